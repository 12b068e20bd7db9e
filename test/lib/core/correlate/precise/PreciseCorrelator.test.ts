import { describe, expect, it } from "vitest";

import { createCorrelator } from "../../../../../lib/core/correlate/createCorrelator.js";
import type { PreciseLimits } from "../../../../../lib/core/correlate/precise/buildPreciseRecords.js";
import { Diagnostics } from "../../../../../lib/core/Diagnostics.js";
import { MatchLimitError } from "../../../../../lib/core/errors.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../../../../lib/core/model/EngineOptions.js";
import type { WebRequest } from "../../../../../lib/core/model/WebRequest.js";
import { compareRecords } from "../../../../../lib/core/records/compareRecords.js";
import { at, command, mdeAlert, request } from "../../../../support/timeline.js";

// A burst on web01 (10.1.0.11): the alert's cmd.exe and powershell.exe at 10:15:30–31 and 12 more commands from
// DeviceProcessEvents within the next 12 s, against requests to distinct pages within the same minute, so that every
// request matches every process (14 × requests pairs). Some requests carry no host name and are placed by the
// server address, on the host's other timeline.

const processes = Array.from({ length: 12 }, (_, i) =>
  command(9000 + i, `10:15:${String(32 + i).padStart(2, "0")}.25`, `cmd.exe /c dir ${i}`),
);

function burst(requests: readonly WebRequest[], limits?: PreciseLimits) {
  const { correlator } = createCorrelator(
    [mdeAlert()],
    { ...DEFAULT_ENGINE_OPTIONS, mode: "precise" },
    undefined,
    new Diagnostics(),
    processes,
    { preciseLimits: limits },
  );
  for (const r of requests) correlator.observe(r);
  return correlator;
}

/**
 * `count` requests, `perSecond` in each second from 10:15:40, to 35 pages (one attacker each) and again; every third
 * placed by address.
 */
const clock = (second: number) =>
  `10:${15 + Math.floor(second / 60)}:${String(second % 60).padStart(2, "0")}`;

function requests(count: number, perSecond: number): WebRequest[] {
  return Array.from({ length: count }, (_, i) =>
    request(clock(40 + Math.floor(i / perSecond)), {
      csUriStem: `/app/item/${i % 35}/view.aspx`,
      cIP: `203.0.113.${(i % 35) % 3}`,
      ...(i % 3 === 0 ? { sComputerName: "", Computer: "" } : {}),
    }),
  );
}

describe("precise records of a burst of processes and requests", () => {
  it("gives one record per (process, page, attacker), each with all its requests, in output order", () => {
    // Requests 35–69 repeat the first 35 a few seconds later, one of each pair by name, the other mostly not.
    const all = requests(70, 3);
    const records = [...burst(all).records(at("23:59:59"))];
    expect(records).toHaveLength(14 * 35);
    expect(new Set(records.map((record) => record.RecordId)).size).toBe(records.length);
    expect(records.every((record) => record.RequestCount === 2)).toBe(true);
    expect([...records].sort(compareRecords)).toEqual(records);
    // What a cut output reads is the start of the whole.
    const first = burst(all).records(at("23:59:59"))[Symbol.iterator]();
    expect(Array.from({ length: 5 }, () => first.next().value as unknown)).toEqual(records.slice(0, 5));
  });

  it("counts a request once per process it matched", () => {
    expect(burst(requests(10, 10)).candidateCount).toBe(140);
  });

  it("stops with a MatchLimitError naming the burst when one instant starts more records than it may order", () => {
    const limits = { pairsPerInstant: 14 * 3, heldRecords: 1_000 };
    // Three requests a second: 42 records start at each instant, which fits.
    expect([...burst(requests(12, 3), limits).records(0)]).toHaveLength(14 * 12);
    // Four in one second do not.
    const records = burst(requests(12, 4), limits).records(0);
    expect(() => [...records]).toThrow(MatchLimitError);
    expect(() => [...burst(requests(12, 4), limits).records(0)]).toThrow(
      /more than 42 \(request, process\) matches .* 2026-11-20T10:15:40.*14 web-shell process\(es\) × 8 request\(s\) on host web01 between .*--from\/--to/,
    );
  });

  it("streams any number of records, but holds at most heldRecords for finish", () => {
    const limits = { pairsPerInstant: 1_000, heldRecords: 20 };
    expect([...burst(requests(12, 3), limits).records(0)]).toHaveLength(14 * 12);
    expect(() => burst(requests(12, 3), limits).finish(0)).toThrow(MatchLimitError);
    expect(() => burst(requests(12, 3), limits).finish(0)).toThrow(
      /more than 20 records, .*web01.*ENRICH_MAX_WINDOW.*--max-records/,
    );
  });
});
