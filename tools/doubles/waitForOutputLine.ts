import type { ChildProcess } from "node:child_process";

/**
 * Resolves with the first match of `pattern` in a child's stdout or stderr; rejects with what it printed if it exits
 * first or takes longer than `timeoutMs`. Afterwards the pipes keep flowing, so the child never blocks on a full one.
 */
export function waitForOutputLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (data: Buffer): void => {
      output += data.toString("utf8");
      const match = pattern.exec(output);
      if (match !== null) finish(() => resolve(match));
    };
    const onExit = (code: number | null): void =>
      finish(() =>
        reject(
          new Error(`expected the child process to print ${pattern}, but it exited (${code}):\n${output}`),
        ),
      );
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(`expected the child process to print ${pattern} within ${timeoutMs} ms:\n${output}`),
          ),
        ),
      timeoutMs,
    );
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      child.stdout?.resume();
      child.stderr?.resume();
      settle();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}
