import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { parseConfig } from "../../../../lib/job/config/parseConfig.js";
import { LIBRARY_SETTINGS, SETTINGS } from "../../../../lib/job/config/settings.js";

// Every setting the code reads is documented where people look: the README and local.settings.example.json.
const NAMES = [...Object.keys(SETTINGS), ...LIBRARY_SETTINGS];

describe("documented settings", () => {
  it("local.settings.example.json sets every setting, with the code's defaults", () => {
    const example = JSON.parse(readFileSync("local.settings.example.json", "utf8")) as {
      Values: Record<string, string>;
    };
    for (const name of NAMES) expect(Object.keys(example.Values), name).toContain(name);
    for (const [name, setting] of Object.entries(SETTINGS)) {
      if ("default" in setting) expect(example.Values[name], name).toBe(setting.default);
    }
  });

  it("local.settings.example.json passes the configuration parser: Azurite, and workspace placeholders to replace", () => {
    const { Values } = JSON.parse(readFileSync("local.settings.example.json", "utf8")) as {
      Values: Record<string, string>;
    };
    const config = parseConfig(Values);
    expect(config.table).toEqual({
      connectionString: "UseDevelopmentStorage=true",
      tableName: "WebShellEnrichment",
    });
    expect(Values["AzureWebJobsStorage"]).toBe("UseDevelopmentStorage=true");
    expect(Values["FUNCTIONS_WORKER_RUNTIME"]).toBe("node");
    // The three values that name a real workspace and DCR are placeholders the README's "Run locally" lists.
    const readme = readFileSync("README.md", "utf8");
    for (const placeholder of [
      config.logAnalytics.workspaceId,
      config.ingestion.endpoint,
      config.ingestion.ruleId,
    ]) {
      expect(placeholder).toMatch(/^(?:[0-]+|dcr-0+|https:\/\/replace-me-.*)$/);
      expect(readme, placeholder).toContain(placeholder);
    }
  });

  it("the README names every setting", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(NAMES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
