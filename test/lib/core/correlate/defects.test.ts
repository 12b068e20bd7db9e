import { describe, expect, it } from "vitest";

import {
  at,
  correlate,
  entity,
  iso,
  legacyAlert,
  mdeAlert,
  request,
  summarize,
  visitors,
} from "../../../support/timeline.js";

// Each defect of the original query (docs/design.md §2), as a timeline: what `compat` returns (the query's answer, defect
// included) and what `precise` returns on the same data, and why they differ.

const ATTACKER = "203.0.113.77";
const SHELL = "/uploads/help.aspx";

describe("B1: groups whose requests do not share one timestamp are dropped", () => {
  const alerts = [legacyAlert()]; // alert 10:15:20 (bin 10:15:00), cmd.exe started 10:15:30.5 on WEB01
  const twoHits = [request("10:15:31"), request("10:16:10")];

  it("compat drops an attacker who hit the shell twice within 90 s", () => {
    expect(correlate("compat", alerts, twoHits).records).toEqual([]);
  });

  it("compat keeps the same attacker when there is a single hit", () => {
    const { records } = correlate("compat", alerts, [request("10:15:31")]);
    expect(records.map(summarize)).toEqual([
      { host: "WEB01", shell: SHELL, ip: ATTACKER, process: "cmd.exe", command: "cmd.exe /c net user" },
    ]);
    expect(records[0]?.TimeGenerated).toBe(at("10:15:31"));
  });

  it("precise keeps both requests in one record", () => {
    const { records } = correlate("precise", alerts, twoHits);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      RequestCount: 2,
      FirstRequestTime: at("10:15:31"),
      LastRequestTime: at("10:16:10"),
    });
  });
});

describe("B2: file and process entities are joined on $id across alerts", () => {
  // Two legacy alerts at the same time on different hosts, numbered alike: file "3" is cmd.exe in both.
  const onWeb02 = legacyAlert({
    row: { SystemAlertId: "b2b2b2b2-0000-4000-8000-000000000002", CompromisedEntity: "WEB02" },
    entities: (entities) => {
      entity(entities, "4").CommandLine = "cmd.exe /c dir c:\\";
      entity(entities, "5").HostName = "WEB02";
    },
  });
  const alerts = [legacyAlert(), onWeb02];
  const requests = [request("10:15:31")]; // the attacker only touched WEB01

  it("compat attributes WEB02's command to the WEB01 shell too", () => {
    const commands = correlate("compat", alerts, requests).records.map((record) => record.ProcessCommandLine);
    expect(commands.sort()).toEqual(["cmd.exe /c dir c:\\", "cmd.exe /c net user"]);
  });

  it("precise resolves ids within each alert: only WEB01's command", () => {
    const { records } = correlate("precise", alerts, requests);
    expect(records.map((record) => record.ProcessCommandLine)).toEqual(["cmd.exe /c net user"]);
    expect(records[0]?.SystemAlertId).toBe(legacyAlert().SystemAlertId);
  });
});

describe("B3: only top-level entities are read", () => {
  const alerts = [mdeAlert()]; // w3wp.exe and cmd.exe are inlined; the top level holds {"$ref"} stubs
  const requests = [request("10:15:31")];

  it("compat finds nothing on a real Defender for Endpoint alert", () => {
    expect(correlate("compat", alerts, requests).records).toEqual([]);
  });

  it("precise follows $refs and finds both commands of the w3wp chain", () => {
    const { records } = correlate("precise", alerts, requests);
    expect(records.map(summarize)).toEqual([
      {
        host: "web01",
        shell: SHELL,
        ip: ATTACKER,
        process: "cmd.exe",
        command: expect.stringContaining("whoami"),
      },
      {
        host: "web01",
        shell: SHELL,
        ip: ATTACKER,
        process: "powershell.exe",
        command: expect.stringContaining("Get-Local"),
      },
    ]);
  });
});

describe("B4: the time anchor is the alert's TimeGenerated", () => {
  const late = legacyAlert({ row: { TimeGenerated: iso("13:15:20") } }); // ingested three hours after the command

  it("compat looks for requests around 13:15 and finds none", () => {
    expect(correlate("compat", [late], [request("10:15:31")]).records).toEqual([]);
  });

  it("precise anchors on the process creation time", () => {
    const { records } = correlate("precise", [late], [request("10:15:31")]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      ProcessCreationTime: Date.parse("2026-11-20T10:15:30.517Z"),
      AlertTime: at("13:15:20"),
    });
  });
});

describe("B5: the join matches requests from the alert's bin to ~90 s after it", () => {
  // The command ran at 10:14:40 during the attacker's request; the alert came at 10:15:20.
  const alert = legacyAlert({
    entities: (entities) => void (entity(entities, "4").CreationTimeUtc = iso("10:14:40")),
  });
  const attackerHit = request("10:14:41");
  const laterStranger = request("10:16:20", { cIP: "192.0.2.10", csUriStem: "/uploads/other.aspx" });

  it("compat misses the request that ran the command and blames a later one", () => {
    const { records } = correlate("compat", [alert], [attackerHit, laterStranger]);
    expect(records.map((record) => record.AttackerIP)).toEqual(["192.0.2.10"]);
  });

  it("precise matches the request around the process start", () => {
    const { records } = correlate("precise", [alert], [attackerHit, laterStranger]);
    expect(records.map((record) => record.AttackerIP)).toEqual([ATTACKER]);
  });
});

describe("B6: the ParentProcess column holds the spawned process's image", () => {
  it("compat puts the command's own image (cmd.exe) where the parent should be", () => {
    const [record] = correlate("compat", [legacyAlert()], [request("10:15:31")]).records;
    expect(record).toMatchObject({ ProcessName: "cmd.exe", ParentProcessName: "" });
  });

  it("precise reports the process and its real parent", () => {
    const records = correlate("precise", [mdeAlert()], [request("10:15:31")]).records;
    expect(records.map((r) => [r.ProcessName, r.ParentProcessName])).toEqual([
      ["cmd.exe", "w3wp.exe"],
      ["powershell.exe", "cmd.exe"],
    ]);
  });
});

describe("B7: the host join is exact and needs s-computername", () => {
  const lowerCaseHost = legacyAlert({
    entities: (entities) => void (entity(entities, "5").HostName = "web01"),
  });

  it("compat misses a host whose case differs between Defender and IIS", () => {
    expect(correlate("compat", [lowerCaseHost], [request("10:15:31")]).records).toEqual([]);
  });

  it("compat misses rows without s-computername", () => {
    expect(
      correlate("compat", [legacyAlert()], [request("10:15:31", { sComputerName: "" })]).records,
    ).toEqual([]);
  });

  it.each([
    ["s-computername in another case", { sComputerName: "Web01" }],
    [
      "Computer (FQDN) when s-computername is not logged",
      { sComputerName: "", Computer: "WEB01.contoso.local" },
    ],
    [
      "the VM name of _ResourceId",
      {
        sComputerName: "",
        Computer: "",
        _ResourceId: "/subscriptions/0/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/WEB01",
      },
    ],
    [
      "the server address against the host's LastIpAddress",
      { sComputerName: "", Computer: "", sIP: "10.1.0.11" },
    ],
  ])("precise matches by %s", (_, overrides) => {
    expect(correlate("precise", [mdeAlert()], [request("10:15:31", overrides)]).records).toHaveLength(2);
  });

  it("precise does not match another server's address", () => {
    const elsewhere = request("10:15:31", { sComputerName: "", Computer: "", sIP: "10.1.0.99" });
    expect(correlate("precise", [mdeAlert()], [elsewhere]).records).toEqual([]);
  });
});

describe("B8: has_any is term matching", () => {
  it.each([
    ["/uploads/help.aspx/run", 1],
    ["/uploads/help.ASPX", 1],
    ["/uploads/help.aspx.bak", 1],
    ["/uploads/help.json", 0],
    ["/uploads/help.aspxx", 0],
  ])("%s is %s script page(s) in both modes", (page, expected) => {
    const requests = [request("10:15:31", { csUriStem: page })];
    expect(correlate("compat", [legacyAlert()], requests).records).toHaveLength(expected);
    expect(correlate("precise", [legacyAlert()], requests).records).toHaveLength(expected);
  });
});

describe("B9: the baseline is global and case-sensitive", () => {
  const attack = request("10:15:31");

  it("compat counts /Uploads/Help.aspx apart from /uploads/help.aspx and keeps the page", () => {
    const others = visitors("/Uploads/Help.aspx", 3, "09:00:00");
    expect(correlate("compat", [legacyAlert()], [attack, ...others]).records).toHaveLength(1);
  });

  it("precise counts both spellings as one page with 4 clients: not rare", () => {
    const others = visitors("/Uploads/Help.aspx", 3, "09:00:00");
    expect(correlate("precise", [legacyAlert()], [attack, ...others]).records).toEqual([]);
  });

  it("precise can scope the baseline per host, so visitors on another server do not count", () => {
    const others = visitors(SHELL, 3, "09:00:00", { sComputerName: "WEB02" });
    expect(correlate("precise", [legacyAlert()], [attack, ...others]).records).toEqual([]);
    const perHost = correlate("precise", [legacyAlert()], [attack, ...others], { baselineScope: "host" });
    expect(perHost.records.map((record) => record.PageDistinctIPs)).toEqual([1]);
  });

  it("precise counts the baseline over the window before the range's end, not the whole range", () => {
    const range = { from: at("10:00:00"), to: at("11:00:00") };
    const monthAgo = visitors(SHELL, 3, "09:00:00").map((r) => ({
      ...r,
      TimeGenerated: r.TimeGenerated - 30 * 86_400_000,
    }));
    expect(correlate("precise", [legacyAlert()], [attack, ...monthAgo], {}, range).records).toHaveLength(1);
    const withinWeek = visitors(SHELL, 3, "09:00:00");
    expect(correlate("precise", [legacyAlert()], [attack, ...withinWeek], {}, range).records).toEqual([]);
  });
});

describe("B10: record ids", () => {
  it("are the same on every run and differ between findings", () => {
    const first = correlate("precise", [mdeAlert()], [request("10:15:31")]).records.map((r) => r.RecordId);
    const second = correlate("precise", [mdeAlert()], [request("10:15:31")]).records.map((r) => r.RecordId);
    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(2);
    expect(first[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});
