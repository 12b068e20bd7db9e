import { describe, expect, it } from "vitest";

import {
  dataText,
  formatDuration,
  formatTime,
  userAgentText,
} from "../../../../../../lib/adapters/cli/output/html/formatReportValues.js";

describe("report values", () => {
  it("shows times in UTC, with milliseconds only when there are some", () => {
    expect(formatTime(Date.parse("2026-11-20T11:46:08Z"))).toBe("2026-11-20 11:46:08");
    expect(formatTime(Date.parse("2026-11-20T11:46:25.746Z"))).toBe("2026-11-20 11:46:25.746");
  });

  it("shows durations in the unit a reader expects", () => {
    expect([850, 2974, 55_000, 185_000, 7_800_000, 273_600_000].map(formatDuration)).toEqual([
      "850 ms",
      "2.97 s",
      "55 s",
      "3 min 5 s",
      "2 h 10 min",
      "3 d 4 h",
    ]);
  });

  it("keeps plain text bare, isolates other text, and names the hidden characters it holds", () => {
    expect(dataText("cmd.exe /c <x>").html).toBe("cmd.exe /c &lt;x&gt;");
    expect(dataText("").html).toBe('<span class="none">—</span>');
    expect(dataText("файл.exe").html).toBe('<span class="v">файл.exe</span>');
    expect(dataText("a\u202etxt.exe\u001b").html).toBe(
      '<span class="v">a\u202etxt.exe\u001b</span><span class="hidden-chars" title="characters that are not shown or ' +
        'that reorder the text">holds U+202E U+001B</span>',
    );
    expect(dataText("/uploads/x.aspx", "path").html).toBe('<span class="path">/uploads/x.aspx</span>');
  });

  it("reads IIS's + in a user agent as a space, keeping the logged value as the title", () => {
    expect(userAgentText("Mozilla/5.0+(Windows+NT+10.0)").html).toBe(
      '<span title="Mozilla/5.0+(Windows+NT+10.0)">Mozilla/5.0 (Windows NT 10.0)</span>',
    );
    expect(userAgentText("curl/8.4.0").html).toBe("curl/8.4.0");
  });
});
