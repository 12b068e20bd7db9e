import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { attackerAddressOf } from "../../../../lib/core/correlate/precise/requestIdentity.js";
import {
  at,
  correlate,
  entity,
  iso,
  legacyAlert,
  mdeAlert,
  request,
  visitors,
} from "../../../support/timeline.js";

// Precise mode (docs/design.md §4) beyond the defects: timelines around cmd.exe started at 10:15:30.5 and powershell.exe
// at 10:15:31.2 on web01 (10.1.0.11), attacker 203.0.113.77 on /uploads/help.aspx.

const commandsOf = (records: { ProcessName: string }[]) => records.map((record) => record.ProcessName);

describe("time window: the request's [end − time-taken, end] widened by the slack holds the process start", () => {
  it.each([
    [
      "completed 50 s before the start (within the 1 min slack)",
      "10:14:40",
      200,
      ["cmd.exe", "powershell.exe"],
    ],
    ["completed 2 min before the start", "10:13:30", 200, []],
    [
      "a 5 min request that completed 4 min after the start",
      "10:19:30",
      300_000,
      ["cmd.exe", "powershell.exe"],
    ],
    ["a short request 2 min after the start", "10:17:31", 100, []],
    [
      "completed 59.9 s after cmd started but 59.2 s after powershell",
      "10:16:30",
      0,
      ["cmd.exe", "powershell.exe"],
    ],
    ["completed 60.5 s after cmd started", "10:16:31", 0, ["powershell.exe"]],
  ])("%s", (_, time, timeTaken, expected) => {
    const { records } = correlate("precise", [mdeAlert()], [request(time, { TimeTaken: timeTaken })]);
    expect(commandsOf(records)).toEqual(expected);
  });

  it("uses the configured slack", () => {
    const r = request("10:14:40", { TimeTaken: 200 });
    expect(correlate("precise", [mdeAlert()], [r], { windowSlackMs: 10_000 }).records).toEqual([]);
  });
});

describe("grain: one record per (alert, process, page, attacker)", () => {
  it("splits two attackers and two pages, and counts requests and user agents", () => {
    const requests = [
      request("10:15:31"),
      request("10:15:31", { csUserAgent: "python-requests/2.32.3" }),
      request("10:15:32", { cIP: "203.0.113.78" }),
      request("10:15:33", { csUriStem: "/uploads/up.aspx" }),
    ];
    const cmd = correlate("precise", [mdeAlert()], requests).records.filter(
      (r) => r.ProcessName === "cmd.exe",
    );
    expect(cmd.map((r) => [r.ShellLocation, r.AttackerIP, r.RequestCount])).toEqual([
      ["/uploads/help.aspx", "203.0.113.77", 2],
      ["/uploads/help.aspx", "203.0.113.78", 1],
      ["/uploads/up.aspx", "203.0.113.77", 1],
    ]);
    expect(cmd[0]?.AttackerUserAgents).toEqual([
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
      "python-requests/2.32.3",
    ]);
    expect(Object.keys(cmd[0]?.Attacker ?? {})).toEqual(["203.0.113.77"]);
  });

  it("keeps at most evidenceCap requests as evidence but counts them all", () => {
    const requests = Array.from({ length: 5 }, (_, i) => request(`10:15:3${i}`));
    const [record] = correlate("precise", [legacyAlert()], requests, { evidenceCap: 2 }).records;
    expect(record?.RequestCount).toBe(5);
    expect(record?.Evidence.map((e) => e.time)).toEqual([iso("10:15:30"), iso("10:15:31")]);
    expect(record?.Evidence[0]).toMatchObject({ method: "POST", status: "200", clientIP: "203.0.113.77" });
  });

  it("names the shell, its directory and the sites", () => {
    const [record] = correlate(
      "precise",
      [legacyAlert()],
      [request("10:15:31", { csUriStem: "/a/b/c.aspx" })],
    ).records;
    expect(record).toMatchObject({ ShellName: "c.aspx", ShellDirectory: "/a/b/", Sites: ["W3SVC1"] });
  });
});

describe("behind a load balancer", () => {
  const viaBalancer = (time: string, forwarded: string) =>
    request(time, { cIP: "10.0.0.4", XForwardedFor: forwarded });

  it("takes the attacker from the first X-Forwarded-For address and keeps both as evidence", () => {
    const [record] = correlate(
      "precise",
      [legacyAlert()],
      [viaBalancer("10:15:31", "203.0.113.77, 10.0.0.4")],
    ).records;
    expect(record?.AttackerIP).toBe("203.0.113.77");
    expect(record?.Evidence[0]).toMatchObject({
      clientIP: "10.0.0.4",
      forwardedFor: "203.0.113.77, 10.0.0.4",
    });
  });

  // As IIS logs the chain (+ for a space), and without the port Application Gateway adds to each address.
  it.each([
    ["203.0.113.77,+10.0.0.4", "203.0.113.77"],
    ["+203.0.113.77+,10.0.0.4", "203.0.113.77"],
    ["+", "10.0.0.4"],
    ["203.0.113.77:50412,+10.0.0.4", "203.0.113.77"],
    ["[2001:db8::7]:443", "2001:db8::7"],
    ["[2001:db8::7]", "2001:db8::7"],
    ["2001:db8::7", "2001:db8::7"],
  ])("reads the attacker from the chain %s", (forwarded, attacker) => {
    const [record] = correlate("precise", [legacyAlert()], [viaBalancer("10:15:31", forwarded)]).records;
    expect(record?.AttackerIP).toBe(attacker);
    expect(record?.Evidence[0]?.forwardedFor).toBe(forwarded); // kept as logged (docs/design.md §4.10)
  });

  it("takes the chain's first address with spaces and + around it trimmed, as a plain reading would", () => {
    const plain = (chain: string, cIP: string) => {
      const trimmed = chain.replace(/^[\s+]+|[\s+]+$/g, "");
      if (trimmed === "" || trimmed === "-") return cIP;
      const first = trimmed.split(",")[0]!.replace(/^[\s+]+|[\s+]+$/g, "");
      const bracketed = /^\[([^\]]+)\]/.exec(first);
      const v4WithPort = /^([^:]+):\d{1,5}$/.exec(first);
      return first === "" ? cIP : (bracketed?.[1] ?? v4WithPort?.[1] ?? first);
    };
    const part = fc.constantFrom(
      "203.0.113.7",
      "+",
      " ",
      ",",
      "-",
      "\u00a0",
      "\ufeff",
      "\t",
      "2001:db8::1",
      "x",
      ":4711",
      "[2001:db8::2]",
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        expect(attackerAddressOf(parts.join(""), "10.0.0.4")).toBe(plain(parts.join(""), "10.0.0.4"));
      }),
    );
  });

  it("counts one attacker once in the baseline whatever port each of its connections came from", () => {
    const times = ["10:15:20", "10:15:25", "10:15:31", "10:15:40", "10:15:45"];
    const requests = times.map((time, i) => viaBalancer(time, `203.0.113.77:${50000 + i}`));
    const [record] = correlate("precise", [legacyAlert()], requests).records;
    expect(record).toMatchObject({ AttackerIP: "203.0.113.77", RequestCount: 5, PageDistinctIPs: 1 });
  });

  it("counts forwarded clients in the baseline, so a page popular behind the balancer is not rare", () => {
    const popular = ["198.51.100.1", "198.51.100.2", "198.51.100.3"].map((ip) => viaBalancer("09:00:00", ip));
    const requests = [viaBalancer("10:15:31", "203.0.113.77"), ...popular];
    expect(correlate("precise", [legacyAlert()], requests).records).toEqual([]);
  });
});

describe("alerts", () => {
  it("selects Defender alerts by product name too, and ignores other providers", () => {
    const xdr = legacyAlert({
      row: { ProviderName: "Microsoft XDR", ProductName: "Microsoft Defender XDR" },
    });
    const asc = legacyAlert({
      row: { ProviderName: "Azure Security Center", ProductName: "Azure Security Center" },
    });
    expect(correlate("precise", [xdr], [request("10:15:31")]).records).toHaveLength(1);
    expect(correlate("precise", [asc], [request("10:15:31")]).records).toEqual([]);
  });

  it("reads one version of an alert that was updated (same SystemAlertId, later row)", () => {
    const update = mdeAlert({ row: { TimeGenerated: iso("14:00:00"), Status: "InProgress" } });
    const { records } = correlate("precise", [mdeAlert(), update], [request("10:15:31")]);
    expect(records).toHaveLength(2);
    expect(records[0]?.AlertTime).toBe(at("14:00:00"));
  });

  it("does not take a process whose chain does not reach the worker, even if w3wp.exe is in the alert", () => {
    const explorerChain = mdeAlert({
      entities: (entities) => {
        const parent = entity(entities, "2");
        (entity(entities, "3") as { Name: string }).Name = "explorer.exe";
        parent.CommandLine = "C:\\Windows\\explorer.exe";
        entities.push({
          $id: "99",
          Name: "w3wp.exe",
          Directory: "C:\\Windows\\System32\\inetsrv",
          Type: "file",
        });
      },
    });
    expect(correlate("precise", [explorerChain], [request("10:15:31")]).records).toEqual([]);
  });

  it("reports an alert with broken Entities and still correlates the others", () => {
    const broken = mdeAlert({ row: { SystemAlertId: "broken-1", Entities: '[{"$id":"2",' } });
    const { records, diagnostics } = correlate("precise", [broken, legacyAlert()], [request("10:15:31")]);
    expect(records).toHaveLength(1);
    const skips = [...diagnostics.inputs.values()].flatMap((input) => input.examples);
    expect(skips).toEqual([
      expect.objectContaining({ alertId: "broken-1", reason: expect.stringMatching(/JSON/) }),
    ]);
  });

  it("falls back to CompromisedEntity when the alert has no host entity", () => {
    const noHost = mdeAlert({ entities: (entities) => void entities.splice(entities.length - 1, 1) });
    const { records } = correlate("precise", [noHost], [request("10:15:31")]);
    expect(records.map((record) => record.HostName)).toEqual(["web01", "web01"]);
  });

  it("anchors on the alert's StartTime when the process has no creation time", () => {
    const noTimes = legacyAlert({
      row: { StartTime: iso("10:20:00") },
      entities: (entities) => void delete entity(entities, "4").CreationTimeUtc,
    });
    expect(correlate("precise", [noTimes], [request("10:15:31")]).records).toEqual([]);
    expect(correlate("precise", [noTimes], [request("10:20:10")]).records).toHaveLength(1);
  });
});

describe("rarity", () => {
  it.each([
    [2, 1],
    [3, 0],
  ])("with %s other clients the page is %s finding(s) (threshold 3)", (others, expected) => {
    const requests = [request("10:15:31"), ...visitors("/uploads/help.aspx", others, "08:00:00")];
    expect(correlate("precise", [legacyAlert()], requests).records).toHaveLength(expected);
  });
});

describe("one spelling per host and per shell (docs/design.md §4.11)", () => {
  // The same server and the same file, spelled as two alerts and two requests spell them.
  const upperHost = legacyAlert({
    row: { SystemAlertId: "upper-1" },
    entities: (entities) =>
      Object.assign(entity(entities, "5"), { HostName: "WEB01", DnsDomain: "CONTOSO.local" }),
  });
  const fqdnHost = mdeAlert({
    entities: (entities) =>
      Object.assign(entity(entities, "14"), { HostName: "Web01.Contoso.Local", DnsDomain: "" }),
  });
  const requests = [
    request("10:15:31", { csUriStem: "/Uploads/Help.ASPX", sComputerName: "WEB01" }),
    request("10:15:32", { csUriStem: "/uploads/help.aspx", sComputerName: "web01" }),
  ];

  it("writes the host's short name, its domain and the shell in lower case, whatever the alert and the logs", () => {
    const { records } = correlate("precise", [upperHost, fqdnHost], requests);
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect([record.HostName, record.DnsDomain]).toEqual(["web01", "contoso.local"]);
      expect([record.ShellLocation, record.ShellName, record.ShellDirectory]).toEqual([
        "/uploads/help.aspx",
        "help.aspx",
        "/uploads/",
      ]);
    }
  });

  it("makes one record of requests that differ only in spelling, and keeps each spelling in the evidence", () => {
    const { records } = correlate("precise", [upperHost], requests);
    expect(records).toHaveLength(1);
    expect(records[0]?.RequestCount).toBe(2);
    expect(records[0]?.Evidence.map((e) => e.uriStem)).toEqual(["/Uploads/Help.ASPX", "/uploads/help.aspx"]);
  });

  it("gives the record the same id whichever spelling the alert used", () => {
    const lower = legacyAlert({
      row: { SystemAlertId: "upper-1" },
      entities: (entities) => Object.assign(entity(entities, "5"), { HostName: "web01" }),
    });
    const ids = (alert: typeof lower) =>
      correlate("precise", [alert], requests).records.map((r) => r.RecordId);
    expect(ids(lower)).toEqual(ids(upperHost));
  });

  it("leaves compat with the query's own values", () => {
    const { records } = correlate(
      "compat",
      [upperHost],
      [request("10:15:31", { csUriStem: "/Uploads/Help.ASPX", sComputerName: "WEB01" })],
    );
    expect(records.map((r) => [r.HostName, r.ShellLocation])).toEqual([["WEB01", "/Uploads/Help.ASPX"]]);
  });
});
