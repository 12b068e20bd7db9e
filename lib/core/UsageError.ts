/** The command line was used wrongly; the message says which option and what was expected. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
