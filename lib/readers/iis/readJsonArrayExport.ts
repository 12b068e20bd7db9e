import { InputError } from "../../core/errors.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import { brokenGzipReason, isZlibError, openInputStream } from "../files/openInputStream.js";
import { exportRecordFromJson } from "./exportColumnFor.js";
import { ExportRowSink } from "./ExportRowSink.js";
import { type IisFileReadOptions, readBufferSize } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";

/** Skip reason of a JSON array element or JSON line that is not an object. */
export const NOT_AN_OBJECT_REASON = "expected a JSON object (one W3CIISLog row)";

/**
 * Reads a W3CIISLog export saved as one JSON array of row objects (`az monitor log-analytics query`, the portal's
 * JSON export). Unlike the other readers this one holds the whole file: a JSON array cannot be parsed piecewise
 * without a streaming JSON parser, and such exports are bounded by the query API's limits (~100 MB). Rows are
 * numbered by element (1 = first); invalid JSON or a non-array is reported as one skip for the file.
 */
export async function readJsonArrayExport(
  path: string,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  const sink = new ExportRowSink(path, options, onRequest);
  const text = await readWholeText(path, options, sink);
  if (text === undefined) return sink.finish();
  let rows: unknown;
  try {
    rows = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    sink.skip(undefined, `invalid JSON (${error instanceof Error ? error.message : String(error)})`);
    return sink.finish();
  }
  if (!Array.isArray(rows)) {
    sink.skip(undefined, "expected a JSON array of W3CIISLog rows");
    return sink.finish();
  }
  rows.forEach((value: unknown, index) => {
    const record = exportRecordFromJson(value);
    if (record === undefined) sink.skip(index + 1, NOT_AN_OBJECT_REASON);
    else sink.row(record, index + 1);
  });
  return sink.finish();
}

/** The file as text, or `undefined` when its gzip data is broken (reported as a skip: no row can be trusted). */
async function readWholeText(
  path: string,
  options: IisFileReadOptions,
  sink: ExportRowSink,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    const { stream } = await openInputStream(path, readBufferSize(options), options.onBytesRead);
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    if (!isZlibError(error)) throw InputError.wrap(path, error, "IIS");
    sink.skip(undefined, brokenGzipReason(error));
    return undefined;
  }
  return Buffer.concat(chunks).toString("utf8");
}
