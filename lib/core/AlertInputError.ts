import { InputError } from "./InputError.js";

/**
 * An alert input that cannot be read at all: the file is missing or unreadable, UTF-16, or not any of the accepted
 * shapes. A bad row inside a good file is not this error: it is skipped and reported through `Diagnostics`.
 */
export class AlertInputError extends InputError {
  override readonly name = "AlertInputError";

  /**
   * @param path the input that failed, as the user gave it
   * @param detail what was expected and what was found
   */
  constructor(
    readonly path: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${detail}`, options);
  }
}

/** Whether a thrown value is an {@link AlertInputError}. */
export function isAlertInputError(error: unknown): error is AlertInputError {
  return error instanceof AlertInputError;
}
