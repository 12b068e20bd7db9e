import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { format, resolveConfig } from "prettier";

/** `docs/reliability.md`, which the reliability tests fill in. */
export const REPORT_PATH = fileURLToPath(new URL("../../docs/reliability.md", import.meta.url));
const LOCK_PATH = `${REPORT_PATH}.lock`;
// A lock older than this was left by a killed test worker.
const STALE_LOCK_MS = 30_000;

/**
 * Replaces the generated section `name` of `docs/reliability.md` (the text between `<!-- name:start -->` and
 * `<!-- name:end -->`) with `markdown`, leaving everything else (the hand-written load figures) as it is. Test
 * files run in parallel workers, so the read-modify-write holds a lock file. The content must be deterministic
 * (no times, durations or temporary paths) so that `npm test` on a clean checkout leaves the file unchanged; the
 * whole file is run through Prettier, as `npm run format:check` reads it.
 */
export async function writeReportSection(name: string, markdown: string): Promise<void> {
  await withLock(async () => {
    const text = readFileSync(REPORT_PATH, "utf8");
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to < from) throw new Error(`expected ${start} … ${end} in ${REPORT_PATH}`);
    // Formatted as `npm run format:check` expects, so that the generated file passes it.
    const next = await format(
      `${text.slice(0, from + start.length)}\n${markdown.trimEnd()}\n${text.slice(to)}`,
      {
        ...(await resolveConfig(REPORT_PATH)),
        filepath: REPORT_PATH,
      },
    );
    if (next !== text) writeFileSync(REPORT_PATH, next);
  });
}

async function withLock(work: () => Promise<void>): Promise<void> {
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(LOCK_PATH, "wx");
    } catch {
      try {
        if (Date.now() - statSync(LOCK_PATH).mtimeMs > STALE_LOCK_MS) rmSync(LOCK_PATH, { force: true });
      } catch {
        // Removed by its holder in between: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    try {
      await work();
    } finally {
      closeSync(fd);
      rmSync(LOCK_PATH, { force: true });
    }
    return;
  }
}

/** A Markdown table; cells have `|` and line breaks escaped so that attacker-looking text cannot break it. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (value: string | number) =>
    String(value).replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\r?\n/g, " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}
