import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * The lines of a byte stream as UTF-8 text, without their LF or CRLF, numbered from 1; a byte order mark is
 * dropped. One line is held at a time (plus one chunk), so memory does not grow with the file.
 */
export async function* readTextLines(stream: Readable): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let line = 0;
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    let at = 0;
    for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n", at)) {
      yield { line: ++line, text: clean(pending.slice(at, newline), line) };
      at = newline + 1;
    }
    pending = pending.slice(at);
  }
  pending += decoder.end();
  if (pending !== "") yield { line: ++line, text: clean(pending, line) };
}

function clean(text: string, line: number): string {
  const withoutCr = text.endsWith("\r") ? text.slice(0, -1) : text;
  return line === 1 && withoutCr.startsWith("\uFEFF") ? withoutCr.slice(1) : withoutCr;
}
