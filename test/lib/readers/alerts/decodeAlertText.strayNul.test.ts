import { describe, expect, it } from "vitest";

import { decodeAlertText } from "../../../../lib/readers/alerts/decodeAlertText.js";

// Regression: any NUL byte in the first 1,024 bytes made the whole file "UTF-16" and refused it, so one damaged
// line of a JSON-lines export lost every good alert in the file.
describe("decodeAlertText with a stray NUL", () => {
  it("reads UTF-8 text that has a NUL byte in one line", () => {
    const text = '{"SystemAlertId":"a"}\n{"System\u0000AlertId":"b"}\n{"SystemAlertId":"c"}\n';
    expect(decodeAlertText("a.jsonl", Buffer.from(text))).toBe(text);
  });
});
