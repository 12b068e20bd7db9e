/**
 * One object of an alert's `Entities` JSON, as it was parsed: its keys are the entity's fields (`$id`, `Type`,
 * `ProcessId`, `ImageFile`, …). Nested entities and `{"$ref":"N"}` stubs stay where Defender put them; read them
 * through {@link EntityGraph.resolve}.
 */
export type EntityObject = Readonly<Record<string, unknown>>;

/**
 * The entities of one alert, indexed by `$id` so that `{"$ref":"N"}` stubs can be followed (docs/design.md §2, B2, B3).
 * `$id`s repeat in every alert ("2", "3", …): a graph resolves references within its own alert only.
 */
export interface EntityGraph {
  readonly ok: true;
  /** The top-level array exactly as parsed, stubs included: what the original query (compat mode) reads. */
  readonly topLevel: readonly unknown[];
  /**
   * Every distinct object with a non-empty string `Type`, found at any depth (top level, `ImageFile`,
   * `ParentProcess`, `FileHashes[…]`, `Host`, …), each once, in document order. Stubs are not entities.
   */
  readonly entities: readonly EntityObject[];
  /**
   * Follows a `{"$ref":"N"}` stub to the object carrying `"$id":"N"` in this alert; returns any other object as it
   * is; `undefined` for a dangling reference or a value that is not an object. One hop at a time, so cycles in the
   * data cannot make it loop.
   */
  resolve(value: unknown): EntityObject | undefined;
  /** The object carrying this `$id` in this alert (the first one, when the alert repeats an `$id`). */
  lookup(id: string): EntityObject | undefined;
  /** What was odd but tolerated: dangling `$ref`s, repeated `$id`s. */
  readonly issues: readonly string[];
}

/** Why an alert's `Entities` could not be read at all; the alert is skipped with this reason, never the run. */
export interface EntityGraphError {
  readonly ok: false;
  /** What was expected and what was found, e.g. `Entities must be a JSON array, found object`. */
  readonly reason: string;
}
