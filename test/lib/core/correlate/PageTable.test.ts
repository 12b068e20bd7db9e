import { describe, expect, it } from "vitest";

import { PageTable } from "../../../../lib/core/correlate/PageTable.js";
import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { W3cChunkParser } from "../../../../lib/readers/w3c/W3cChunkParser.js";
import type { W3cLine } from "../../../../lib/readers/w3c/W3cLine.js";

function eachLine(text: string, onLine: (line: W3cLine) => void): void {
  const parser = new W3cChunkParser("u_ex261120.log", { diagnostics: new Diagnostics(), onLine }, () => {});
  parser.push(Buffer.from(text));
  parser.end();
}

describe("PageTable", () => {
  it("makes each page's entry once, from its text, whatever the entry (null included)", () => {
    const made: string[] = [];
    const pages = new PageTable((stem) => {
      made.push(stem);
      return stem.endsWith(".aspx") ? { stem } : null;
    });
    const entries: unknown[] = [];
    const lines = ["/a.aspx", "/b.png", "/a.aspx", "/b.png", "-", "/b.png", "-"];
    const text = `#Fields: date time cs-uri-stem\n${lines.map((stem) => `2026-11-20 10:00:00 ${stem}\n`).join("")}`;
    eachLine(text, (line) => entries.push(pages.of(line)));
    expect(made).toEqual(["/a.aspx", "/b.png", ""]);
    expect(entries[0]).toBe(entries[2]);
    expect(entries.map((entry) => entry === null)).toEqual([false, true, false, true, true, true, true]);
  });

  it("takes a layout without cs-uri-stem as one page, the empty one", () => {
    const made: string[] = [];
    const pages = new PageTable((stem) => {
      made.push(stem);
      return null;
    });
    eachLine("#Fields: date time c-ip\n2026-11-20 10:00:00 1.2.3.4\n2026-11-20 10:00:01 1.2.3.5\n", (line) =>
      pages.of(line),
    );
    expect(made).toEqual([""]);
  });
});
