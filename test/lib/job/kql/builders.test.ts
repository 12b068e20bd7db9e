import { describe, expect, it } from "vitest";

import { mergeHostIntervals } from "../../../../lib/core/model/HostInterval.js";
import { buildAlertQuery } from "../../../../lib/job/kql/buildAlertQuery.js";
import { buildDeviceProcessQuery } from "../../../../lib/job/kql/buildDeviceProcessQuery.js";
import { buildIngestedIdsQuery } from "../../../../lib/job/kql/buildIngestedIdsQuery.js";
import {
  buildBaselineQuery,
  buildCandidateRequestsQuery,
} from "../../../../lib/job/kql/buildRequestQueries.js";
import { expectValidKql } from "../../../support/kusto.js";

// Golden tests: the exact text each builder sends (files under golden/), and every text checked by Kusto's
// language service against the documented table schemas.

const t = (time: string) => Date.parse(`2026-11-20T${time}Z`);
const DEFAULTS = {
  scriptExtensions: [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"],
  maxRequestDurationMs: 3_600_000,
};
const PRECISE_INTERVALS = mergeHostIntervals([
  { hostKey: "web01", from: t("10:14:30.517"), to: t("10:16:30.517") },
  { hostKey: "web01", from: t("10:14:31.206"), to: t("10:16:31.206") },
  { hostKey: "10.1.0.11", from: t("10:14:30.517"), to: t("10:16:30.517") },
]);
const COMPAT_INTERVALS = [{ hostKey: "WEB01", from: t("10:15:00"), to: t("10:16:29.999") }];

const QUERIES = {
  "alerts-precise-by-ingestion": buildAlertQuery({
    mode: "precise",
    from: t("10:00:00"),
    to: t("16:00:00"),
    by: "ingestion",
    providers: ["MDATP"],
    products: ["Microsoft Defender Advanced Threat Protection", "Microsoft Defender XDR"],
    workerImages: ["w3wp.exe"],
  }),
  "alerts-compat-by-time": buildAlertQuery({
    mode: "compat",
    from: t("10:00:00"),
    to: t("16:00:00"),
    by: "time",
    providers: ["MDATP"],
    products: [],
    workerImages: ["w3wp.exe"],
  }),
  "requests-precise": buildCandidateRequestsQuery({
    mode: "precise",
    intervals: PRECISE_INTERVALS,
    ...DEFAULTS,
  }),
  "requests-compat": buildCandidateRequestsQuery({
    mode: "compat",
    intervals: COMPAT_INTERVALS,
    ...DEFAULTS,
    range: { from: t("10:00:00"), to: t("16:00:00") },
  }),
  "baseline-precise-page": buildBaselineQuery({
    mode: "precise",
    intervals: PRECISE_INTERVALS,
    ...DEFAULTS,
    baselineFrom: t("16:00:00") - 7 * 86_400_000,
    baselineTo: t("16:00:00"),
    scope: "page",
    cap: 4,
  }),
  "baseline-precise-site": buildBaselineQuery({
    mode: "precise",
    intervals: PRECISE_INTERVALS,
    ...DEFAULTS,
    baselineFrom: t("16:00:00") - 7 * 86_400_000,
    baselineTo: t("16:00:00"),
    scope: "site",
    cap: 4,
  }),
  "baseline-compat": buildBaselineQuery({
    mode: "compat",
    intervals: COMPAT_INTERVALS,
    ...DEFAULTS,
    range: { from: t("10:00:00"), to: t("16:00:00") },
    baselineFrom: t("10:00:00"),
    baselineTo: t("16:00:00"),
    scope: "page",
    cap: 4,
  }),
  "device-processes-by-ingestion": buildDeviceProcessQuery({
    from: t("10:00:00"),
    to: t("16:00:00"),
    by: "ingestion",
    workerImages: ["w3wp.exe"],
  }),
  "device-processes-by-time": buildDeviceProcessQuery({
    from: t("10:00:00"),
    to: t("16:00:00"),
    by: "time",
    workerImages: ["w3wp.exe", "php-cgi.exe"],
  }),
  "ingested-ids": buildIngestedIdsQuery("WebShellEnrichment_CL", [
    "0f3c2a9e5b7d41c8a6e2f0b9d4c3a1e7",
    "9a8b7c6d5e4f30211f2e3d4c5b6a7988",
  ]),
};

describe("KQL the app sends", () => {
  it.each(Object.entries(QUERIES))("%s matches its golden text", async (name, query) => {
    await expect(query).toMatchFileSnapshot(`golden/${name}.kql`);
  });

  it.each(Object.entries(QUERIES))("%s is valid KQL against the table schemas", (_, query) => {
    expectValidKql(query);
  });

  it("merges overlapping windows of a host and keeps hosts apart", () => {
    expect(PRECISE_INTERVALS).toEqual([
      { hostKey: "10.1.0.11", from: t("10:14:30.517"), to: t("10:16:30.517") },
      { hostKey: "web01", from: t("10:14:30.517"), to: t("10:16:31.206") },
    ]);
  });

  it("refuses a table name that is not an identifier", () => {
    expect(() => buildIngestedIdsQuery("X | take 1", ["a"])).toThrow(/not a table name/);
  });
});
