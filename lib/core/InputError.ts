/**
 * An input that cannot be read at all (a missing or unreadable file, an unsupported encoding or shape), as
 * opposed to a bad row inside a readable input, which is skipped and reported through `Diagnostics`. The command
 * line answers every kind with exit code 2 and the message.
 */
export abstract class InputError extends Error {
  /** The input that failed, as the user gave it (or the file found under it). */
  abstract readonly path: string;
}

/** Whether a thrown value is an {@link InputError} of any reader. */
export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
