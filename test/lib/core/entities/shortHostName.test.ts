import { describe, expect, it } from "vitest";

import { shortHostName } from "../../../../lib/core/entities/shortHostName.js";

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
