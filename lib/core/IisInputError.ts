import { InputError } from "./InputError.js";

/**
 * An IIS input that cannot be read at all: the path does not exist, is not a file or folder, or the system refuses
 * to read it. The CLI ends with exit code 2. Bad lines inside a readable file are not this error: they are skipped
 * and reported through `Diagnostics`.
 */
export class IisInputError extends InputError {
  override readonly name = "IisInputError";

  /**
   * @param path the input that failed, as the user gave it (or the file found under it)
   * @param reason what was expected and what the system said
   */
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read IIS input ${path}: ${reason}`, options);
  }

  /**
   * Wraps a system error (`ENOENT`, `EACCES`, `EISDIR`, `EIO`, ...) raised while reading `path`; any other error is
   * returned unchanged, so that a bug is not disguised as bad input.
   */
  static wrap(path: string, error: unknown): unknown {
    if (error instanceof IisInputError || !isSystemError(error)) return error;
    return new IisInputError(path, `expected a readable file or folder (${error.message})`, { cause: error });
  }
}

/** Whether a thrown value is an {@link IisInputError}. */
export function isIisInputError(error: unknown): error is IisInputError {
  return error instanceof IisInputError;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "syscall" in error && typeof error.syscall === "string";
}
