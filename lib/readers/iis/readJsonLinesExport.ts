import { InputError } from "../../core/errors.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import { brokenGzipReason, isZlibError, openInputStream } from "../files/openInputStream.js";
import { readTextLines } from "../files/readTextLines.js";
import { exportRecordFromJson } from "./exportColumnFor.js";
import { ExportRowSink } from "./ExportRowSink.js";
import { type IisFileReadOptions, readBufferSize } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";
import { NOT_AN_OBJECT_REASON } from "./readJsonArrayExport.js";

/**
 * Streams a W3CIISLog export saved as JSON lines (one row object per line), line by line. Blank lines are
 * ignored; a line that is not a JSON object is skipped with its line number and the next lines are still read.
 */
export async function readJsonLinesExport(
  path: string,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  const sink = new ExportRowSink(path, options, onRequest);
  let lastLine = 0;
  try {
    const { stream } = await openInputStream(path, readBufferSize(options), options.onBytesRead);
    for await (const { line, text } of readTextLines(stream)) {
      lastLine = line;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        sink.skip(line, "invalid JSON: expected one W3CIISLog row object per line");
        continue;
      }
      const record = exportRecordFromJson(value);
      if (record === undefined) sink.skip(line, NOT_AN_OBJECT_REASON);
      else sink.row(record, line);
    }
  } catch (error) {
    if (!isZlibError(error)) throw InputError.wrap(path, error, "IIS");
    sink.skip(lastLine + 1, brokenGzipReason(error));
  }
  return sink.finish();
}
