import { describe, expect, it } from "vitest";

import { readHost, shortHostName } from "../../../../lib/core/entities/readHost.js";
import { ASC_ENTITIES, byId, graphOf, MDATP_ENTITIES } from "./sampleAlerts.js";

describe("readHost", () => {
  it("reads the real MDATP host entity 16", () => {
    const graph = graphOf(MDATP_ENTITIES);
    expect(readHost(graph, byId(graph, "16"))).toMatchObject({
      hostName: "alert-windows",
      fqdn: "alert-windows",
      dnsDomain: "",
      lastIpAddress: "11.1.1.1",
      addresses: ["11.1.1.1"],
    });
  });

  it("reads the real Azure Security Center host, whose id column is spelled AzureID", () => {
    const graph = graphOf(ASC_ENTITIES);
    expect(readHost(graph, byId(graph, "2"))).toMatchObject({
      hostName: "Sample-VM",
      netBiosName: "Sample-VM",
      azureId: expect.stringMatching(/virtualMachines\/Sample-VM$/) as unknown,
      addresses: [],
    });
  });

  it("adds the addresses of ip entities tied to this host, and only those", () => {
    const graph = graphOf([
      { $id: "2", Type: "host", HostName: "web01", LastIpAddress: "10.0.0.4" },
      { $id: "3", Type: "host", HostName: "sql01" },
      { $id: "4", Type: "ip", Address: "10.0.1.4", Host: { $ref: "2" } },
      { $id: "5", Type: "IP", Address: "10.0.0.4", Host: { $ref: "2" } },
      { $id: "6", Type: "ip", Address: "10.0.2.9", Host: { $ref: "3" } },
      { $id: "7", Type: "ip", Address: "203.0.113.7" },
    ]);
    expect(readHost(graph, byId(graph, "2")).addresses).toEqual(["10.0.0.4", "10.0.1.4"]);
    expect(readHost(graph, byId(graph, "3")).addresses).toEqual(["10.0.2.9"]);
  });

  it("adds IpInterfaces addresses, inlined or referenced", () => {
    const graph = graphOf([
      { $id: "2", Type: "ip", Address: "10.0.0.5" },
      {
        $id: "3",
        Type: "host",
        HostName: "web01",
        IpInterfaces: [{ $id: "4", Type: "ip", Address: "10.0.0.4" }, { $ref: "2" }, { $ref: "9" }],
      },
    ]);
    expect(readHost(graph, byId(graph, "3")).addresses).toEqual(["10.0.0.4", "10.0.0.5"]);
  });
});

const host = (hostName: string, fqdn = "", netBiosName = "") => ({ hostName, fqdn, netBiosName });

describe("shortHostName", () => {
  it.each([
    [host("alert-windows", "alert-windows"), "alert-windows"],
    [host("WEB01.contoso.com"), "web01"],
    [host("Sample-VM", "", "Sample-VM"), "sample-vm"],
    [host("", "Web01.Contoso.Local"), "web01"],
    [host("", "", "WEB01"), "web01"],
    [host(" Web01 "), "web01"],
    [host("", "", ""), ""],
  ])("%j → %s", (entity, expected) => {
    expect(shortHostName(entity)).toBe(expected);
  });
});
