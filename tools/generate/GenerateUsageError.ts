/**
 * A bad command line for the generator (unknown option, missing `--out`, a value out of range). The CLI prints the
 * message and the usage and exits with status 2, the convention for usage errors.
 */
export class GenerateUsageError extends Error {
  override readonly name = "GenerateUsageError";
}

/** True for a {@link GenerateUsageError}, whatever realm it came from. */
export function isGenerateUsageError(error: unknown): error is GenerateUsageError {
  return error instanceof Error && error.name === "GenerateUsageError";
}
