import { describe, expect, it } from "vitest";

import { toAlertRow } from "../../../../lib/readers/alerts/toAlertRow.js";

const origin = { source: "SecurityAlert" };
const base = { SystemAlertId: "a1", TimeGenerated: "2023-04-18T16:20:01.053681Z" };
const at = Date.UTC(2023, 3, 18, 16, 20, 1, 53);

describe("toAlertRow", () => {
  it.each([
    ["an ISO string", "2023-04-18T16:20:01.053681Z"],
    ["the stix-shifter form", "2023-04-18 16:20:01.053681+00:00"],
    ["the portal's form", "4/18/2023, 4:20:01.053 PM"],
    ["a Date (the query SDK)", new Date(at)],
    ["epoch milliseconds", at],
  ])("reads TimeGenerated given as %s", (_name, value) => {
    expect(toAlertRow({ ...base, TimeGenerated: value }, origin)).toMatchObject({ TimeGenerated: at });
  });

  it("matches column names ignoring case and the portal's [UTC] suffix", () => {
    const row = toAlertRow(
      {
        systemalertid: "a1",
        "TimeGenerated [UTC]": "4/18/2023, 4:20:01.053 PM",
        PROVIDERNAME: "MDATP",
        "StartTime [utc]": at,
      },
      origin,
    );
    expect(row).toMatchObject({
      SystemAlertId: "a1",
      TimeGenerated: at,
      ProviderName: "MDATP",
      StartTime: at,
    });
  });

  it("fills absent strings with empty ones and absent times with undefined", () => {
    expect(toAlertRow(base, origin)).toEqual({
      SystemAlertId: "a1",
      AlertName: "",
      ProviderName: "",
      ProductName: "",
      TimeGenerated: at,
      StartTime: undefined,
      EndTime: undefined,
      CompromisedEntity: "",
      Entities: undefined,
      origin,
    });
  });

  it("keeps Entities as it came, string or parsed", () => {
    expect(toAlertRow({ ...base, Entities: "[]" }, origin)).toMatchObject({ Entities: "[]" });
    const parsed = [{ $id: "2", Type: "host" }];
    expect(toAlertRow({ ...base, Entities: parsed }, origin)).toMatchObject({ Entities: parsed });
  });

  it("takes DisplayName when AlertName is empty", () => {
    expect(toAlertRow({ ...base, AlertName: "", DisplayName: "Shown" }, origin)).toMatchObject({
      AlertName: "Shown",
    });
  });

  it("leaves an unreadable StartTime undefined instead of dropping the alert", () => {
    expect(toAlertRow({ ...base, StartTime: "later" }, origin)).toMatchObject({ StartTime: undefined });
  });

  it.each([
    [{ TimeGenerated: base.TimeGenerated }, "SystemAlertId is missing or empty: expected the alert's id"],
    [{ ...base, SystemAlertId: "  " }, "SystemAlertId is missing or empty: expected the alert's id"],
    [{ SystemAlertId: "a1" }, "TimeGenerated is missing or empty: expected the alert's ingestion time"],
    [
      { ...base, TimeGenerated: null },
      "TimeGenerated is missing or empty: expected the alert's ingestion time",
    ],
    [
      { ...base, TimeGenerated: "" },
      "TimeGenerated is missing or empty: expected the alert's ingestion time",
    ],
  ])("refuses %j", (record, reason) => {
    expect(toAlertRow(record, origin)).toBe(reason);
  });

  it.each([["2023-02-30T00:00:00Z"], [new Date(Number.NaN)], [Number.POSITIVE_INFINITY]])(
    "refuses a TimeGenerated that is not a time: %s",
    (value) => {
      expect(toAlertRow({ ...base, TimeGenerated: value }, origin)).toMatch(
        /^TimeGenerated .* is not a timestamp/,
      );
    },
  );
});
