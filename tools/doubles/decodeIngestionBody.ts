import { gunzipSync } from "node:zlib";

/** An upload body once decoded: its bytes, and its rows when it is a JSON array of objects. */
export interface DecodedIngestionBody {
  readonly bytes: Buffer;
  readonly rows: Record<string, unknown>[] | undefined;
  readonly problem?: string;
}

/**
 * Decodes an upload body the way the service must: gunzip when `Content-Encoding: gzip` (the SDK always gzips),
 * then a JSON array of objects. `problem` says why there are no rows.
 */
export function decodeIngestionBody(wire: Buffer, contentEncoding: string | undefined): DecodedIngestionBody {
  let bytes: Buffer;
  try {
    bytes = contentEncoding?.toLowerCase() === "gzip" ? gunzipSync(wire) : wire;
  } catch (error) {
    return { bytes: wire, rows: undefined, problem: `the gzip body does not decode (${String(error)})` };
  }
  try {
    const parsed: unknown = JSON.parse(bytes.toString("utf8"));
    const isObject = (row: unknown): boolean =>
      typeof row === "object" && row !== null && !Array.isArray(row);
    if (Array.isArray(parsed) && parsed.every(isObject)) {
      return { bytes, rows: parsed as Record<string, unknown>[] };
    }
    return { bytes, rows: undefined, problem: "the body is JSON but not an array of objects" };
  } catch (error) {
    return { bytes, rows: undefined, problem: `the body is not JSON (${String(error)})` };
  }
}
