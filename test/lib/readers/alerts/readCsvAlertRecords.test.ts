import { describe, expect, it } from "vitest";

import { readCsvAlertRecords } from "../../../../lib/readers/alerts/readCsvAlertRecords.js";

const lines = (text: string) =>
  readCsvAlertRecords("a.csv", text).map((item) =>
    "reason" in item ? [item.line, item.reason] : [item.line],
  );

describe("readCsvAlertRecords", () => {
  it("keys each record by the header's column names, Entities unquoted", () => {
    const records = readCsvAlertRecords(
      "a.csv",
      'SystemAlertId,TimeGenerated [UTC],Entities\r\na1,"4/18/2023, 4:20:01.053 PM","[{""$id"":""2""}]"\r\n',
    );
    expect(records).toEqual([
      {
        line: 2,
        record: {
          SystemAlertId: "a1",
          "TimeGenerated [UTC]": "4/18/2023, 4:20:01.053 PM",
          Entities: '[{"$id":"2"}]',
        },
      },
    ]);
  });

  it("gives the line where each record starts, with LF or CRLF inside quoted fields", () => {
    expect(
      lines('SystemAlertId,TimeGenerated,Description\r\na,t,"x\r\ny"\r\nb,t,"p\nq\nr"\r\n\r\nc,t,z\r\n'),
    ).toEqual([[2], [4], [8]]);
  });

  it("reports a record with too few fields and goes on", () => {
    expect(lines("SystemAlertId,TimeGenerated,Description\na,t\nb,t,d\n")).toEqual([
      [2, "expected 3 fields as in the header, found 2"],
      [3],
    ]);
  });

  it("reports a malformed quote once, at the record's line, and goes on", () => {
    expect(lines('SystemAlertId,TimeGenerated\na,t\nb,x"y"\nc,t\n')).toEqual([
      [2],
      [3, expect.stringMatching(/^not valid CSV: Invalid Opening Quote/) as unknown],
      [4],
    ]);
  });

  it("reports a quote left open to the end of the file", () => {
    expect(lines('SystemAlertId,TimeGenerated\na,t\nb,"t\nc,t\n')).toEqual([
      [2],
      [3, expect.stringMatching(/^not valid CSV: Quote Not Closed/) as unknown],
    ]);
  });
});
