import { describe, expect, it } from "vitest";

import { formatW3cHeader, formatW3cLine } from "../../../tools/generate/formatW3cLine.js";
import { clientIpOf, type W3cRecord } from "../../../tools/generate/W3cRecord.js";

const aRecord: W3cRecord = {
  time: Date.UTC(2026, 10, 20, 13, 5, 7),
  site: "W3SVC3",
  method: "POST",
  stem: "/portal/uploads/x.aspx",
  query: "-",
  port: 443,
  userName: "-",
  cIp: "10.10.2.4",
  userAgent: "python-requests/2.31.0",
  referer: "-",
  csHost: "portal.contoso.com",
  status: 200,
  subStatus: 0,
  win32Status: 0,
  scBytes: 2169,
  csBytes: 1568,
  timeTaken: 2974,
  xff: "198.51.100.7,+10.10.9.5",
};
const server = { computerName: "WEB03", ip: "10.10.2.13" };

describe("formatW3cLine", () => {
  it("writes the values of the given #Fields in order, separated by single spaces", () => {
    const fields = [
      "date",
      "time",
      "s-computername",
      "s-ip",
      "cs-method",
      "cs-uri-stem",
      "c-ip",
      "time-taken",
      "X-Forwarded-For",
    ];
    expect(formatW3cLine(fields, server, aRecord, "2026-11-20", "13:05:07")).toBe(
      "2026-11-20 13:05:07 WEB03 10.10.2.13 POST /portal/uploads/x.aspx 10.10.2.4 2974 198.51.100.7,+10.10.9.5",
    );
  });

  it("names a field it cannot fill", () => {
    expect(() => formatW3cLine(["date", "cs(Cookie)"], server, aRecord, "d", "t")).toThrow(/cs\(Cookie\)/);
  });

  it("writes the header block IIS writes", () => {
    expect(
      formatW3cHeader(
        "Microsoft Internet Information Services 10.0",
        ["date", "time"],
        "2026-11-20 00:00:01",
      ),
    ).toBe(
      "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-11-20 00:00:01\n#Fields: date time\n",
    );
  });
});

describe("clientIpOf", () => {
  it("takes the first X-Forwarded-For address when the field is logged and set", () => {
    expect(clientIpOf(aRecord, true)).toBe("198.51.100.7");
  });

  it("falls back to c-ip when the field is not logged or is -", () => {
    expect(clientIpOf(aRecord, false)).toBe("10.10.2.4");
    expect(clientIpOf({ ...aRecord, xff: "-" }, true)).toBe("10.10.2.4");
  });
});
