import { truncateWithMarker } from "../../../core/records/truncateWithMarker.js";
import {
  estimateEntityBytes,
  estimateRequestBytes,
  TABLE_LIMITS,
  type TableLimits,
  type TableRow,
} from "./tableLimits.js";

/** Which properties give way first, and which never do, when an entity must shrink. */
export interface TruncationPolicy {
  /** Shrunk first, in this order; the other strings follow, longest first. */
  readonly shrinkFirst: readonly string[];
  /** Never shortened (identifiers and ledger fields whose value must stay exact). */
  readonly neverShrink: readonly string[];
}

/** The entity that fits, and the properties that were cut (each ends with a `…[truncated N chars]` marker). */
export interface TruncatedRow {
  row: TableRow;
  truncated: string[];
}

/**
 * Makes an entity fit Table Storage instead of failing or dropping it (docs/design.md §5): every string property is cut to
 * 32,768 UTF-16 code units, then, while the estimated entity size (stored, or as the JSON sent) is over ~950 KB,
 * the largest strings are cut further (`shrinkFirst` first), each with a visible marker saying how many characters
 * went. A first pass leaves
 * every string at least 1,024 characters; only if that is not enough does a second pass go down to the marker.
 * Keys and `neverShrink` properties are kept as they are.
 *
 * @example truncateForTable(row, { shrinkFirst: ["Evidence"], neverShrink: ["RecordId"] }).truncated // ["Evidence"]
 */
export function truncateForTable(
  input: TableRow,
  policy: TruncationPolicy,
  limits: Pick<TableLimits, "maxStringChars" | "entityBudgetBytes" | "shrinkFloorChars"> = TABLE_LIMITS,
): TruncatedRow {
  const row: TableRow = { ...input };
  const truncated = new Set<string>();
  const shrinkable = Object.keys(row).filter(
    (name) =>
      name !== "partitionKey" &&
      name !== "rowKey" &&
      !policy.neverShrink.includes(name) &&
      typeof row[name] === "string",
  );
  const cut = (name: string, maxChars: number): void => {
    const value = row[name];
    const original = input[name];
    if (typeof value !== "string" || typeof original !== "string" || value.length <= maxChars) return;
    // Cut the original, not an earlier cut, so the marker counts every character that went.
    const shorter = truncateWithMarker(original, maxChars);
    // Below the marker's own length a cut would make short text longer.
    if (shorter.length >= value.length) return;
    row[name] = shorter;
    truncated.add(name);
  };

  for (const name of shrinkable) cut(name, limits.maxStringChars);

  for (const floor of [limits.shrinkFloorChars, 0]) {
    for (const name of shrinkOrder(row, shrinkable, policy.shrinkFirst)) {
      const value = row[name] as string;
      const units = unitsOver(row, value, limits.entityBudgetBytes);
      if (units <= 0) return { row, truncated: [...truncated] };
      cut(name, Math.max(floor, value.length - units));
    }
  }
  return { row, truncated: [...truncated] };
}

/**
 * How many code units of `value` to cut so that the entity fits by both measures: the service's stored size
 * (strings 2 bytes a code unit) and its size as the JSON that is sent, which Azurite checks against the same 1 MiB
 * and where a control character costs 6 bytes (`\u0001`). Zero or less when it fits.
 */
function unitsOver(row: TableRow, value: string, budget: number): number {
  const stored = estimateEntityBytes(row) - budget;
  const sent = estimateRequestBytes(row) - budget;
  const sentPerUnit = Math.max(
    1,
    (Buffer.byteLength(JSON.stringify(value), "utf8") - 2) / Math.max(1, value.length),
  );
  return Math.max(Math.ceil(stored / 2), Math.ceil(sent / sentPerUnit));
}

function shrinkOrder(row: TableRow, shrinkable: readonly string[], first: readonly string[]): string[] {
  const rest = shrinkable
    .filter((name) => !first.includes(name))
    .sort((a, b) => (row[b] as string).length - (row[a] as string).length);
  return [...first.filter((name) => shrinkable.includes(name)), ...rest];
}
