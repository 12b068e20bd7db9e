import { describe, expect, it } from "vitest";

import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";
import { parseColumnTable, SchemaParseError, TABLE_SCHEMAS } from "../../tools/doubles/schemas.js";
import { expectValidKql, formatKqlDiagnostic, kqlResultColumns, validateKql } from "./kusto.js";

function codes(query: string, tables?: Parameters<typeof validateKql>[1]): string[] {
  return validateKql(query, tables).map((diagnostic) => diagnostic.code);
}

describe("validateKql", () => {
  it("accepts a query over the custom table's own and standard columns", () => {
    const query = [
      "WebShellEnrichment_CL",
      "| where ingestion_time() > ago(15m) and isnotempty(_ResourceId) and TenantId != ''",
      "| summarize arg_max(EnrichedAt, *) by RecordId",
      "| mv-expand UserAgent = AttackerUserAgents to typeof(string)",
      "| summarize Findings = count(), Hosts = dcount(HostName) by UserAgent, bin(TimeGenerated, 1h)",
    ].join("\n");
    expect(validateKql(query)).toEqual([]);
  });

  it("accepts a join of SecurityAlert and W3CIISLog on the documented columns and sComputerName", () => {
    const query = [
      "SecurityAlert",
      "| where ProviderName =~ 'MDATP'",
      "| extend Entities = parse_json(Entities)",
      "| mv-expand Entity = Entities",
      "| where tostring(Entity.Type) =~ 'host'",
      "| project SystemAlertId, HostName = tolower(tostring(Entity.HostName)), TimeKey = bin(TimeGenerated, 30s)",
      "| join kind=inner (",
      "    W3CIISLog",
      "    | where csUriStem has_any ('.aspx', '.php')",
      "    | project TimeKey = bin(TimeGenerated, 30s), HostName = tolower(sComputerName), cIP, csUserAgent, TimeTaken",
      ") on TimeKey, HostName",
      "| summarize Attackers = make_bag(pack(cIP, csUserAgent)) by SystemAlertId, HostName",
    ].join("\n");
    expect(validateKql(query)).toEqual([]);
  });

  it("reports an unknown column with its position", () => {
    const query = "WebShellEnrichment_CL\n| where CommandLine has 'whoami'";
    const [error, ...rest] = validateKql(query);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({
      code: "KS142",
      line: 2,
      column: 9,
      start: 30,
      length: "CommandLine".length,
    });
    expect(error?.message).toContain("CommandLine");
  });

  it("reports an unknown table", () => {
    expect(codes("WebShellEnrichment | take 1")).toEqual(["KS204"]);
  });

  it("reports a syntax error", () => {
    const query = "WebShellEnrichment_CL | where HostName == ";
    const errors = validateKql(query);
    expect(errors).toHaveLength(1);
    expect(formatKqlDiagnostic(query, errors[0]!)).toMatch(/^1:42 KS\d+ Missing expression/);
  });

  it("reports a type error", () => {
    expect(codes("WebShellEnrichment_CL | where RequestCount")).toEqual(["KS141"]);
  });

  it("declares only the tables asked for", () => {
    const query = "W3CIISLog | take 1";
    expect(codes(query, { tables: ["W3CIISLog"] })).toEqual([]);
    expect(codes(query, { tables: ["WebShellEnrichment_CL"] })).toEqual(["KS204"]);
  });

  it("keeps warnings out of the result", () => {
    // `mvexpand` (the original query's spelling) is deprecated: a warning at most, never an error.
    expect(codes("SecurityAlert | extend e = parse_json(Entities) | mvexpand e | take 1")).toEqual([]);
  });
});

describe("expectValidKql", () => {
  it("passes a valid query", () => {
    expect(() => expectValidKql("WebShellEnrichment_CL | project HostName, ShellLocation")).not.toThrow();
  });

  it("fails naming every error of an invalid query", () => {
    expect(() => expectValidKql("WebShellEnrichment_CL | project Host, Shell")).toThrow(
      /KS142 .*'Host'[\s\S]*KS142 .*'Shell'/,
    );
  });
});

describe("table schemas", () => {
  it("declare WebShellEnrichment_CL with every record column and its Log Analytics type", () => {
    const declared = new Map(TABLE_SCHEMAS.WebShellEnrichment_CL.map((column) => [column.name, column.type]));
    for (const column of RECORD_COLUMNS) expect(declared.get(column.name), column.name).toBe(column.type);
  });

  it("read SecurityAlert and W3CIISLog from the documented column tables, plus the standard _ItemId", () => {
    const names = (table: keyof typeof TABLE_SCHEMAS) => TABLE_SCHEMAS[table].map((column) => column.name);
    expect(names("SecurityAlert")).toHaveLength(35 + 1);
    expect(names("SecurityAlert").at(-1)).toBe("_ItemId");
    expect(names("W3CIISLog")).toContain("_ItemId");
    expect(names("SecurityAlert")).toEqual(
      expect.arrayContaining(["Entities", "SystemAlertId", "ProviderName"]),
    );
    expect(names("W3CIISLog")).toEqual(
      expect.arrayContaining(["csUriStem", "cIP", "TimeTaken", "sComputerName"]),
    );
    expect(TABLE_SCHEMAS.W3CIISLog.find((column) => column.name === "TimeTaken")?.type).toBe("long");
  });

  it("reject a documented table with an unknown type, naming the file and line", () => {
    const markdown = "| Column | Type | Description |\n|---|---|---|\n| a | string | |\n| b | text | |\n";
    expect(() => parseColumnTable(markdown, "x.md")).toThrow(SchemaParseError);
    expect(() => parseColumnTable(markdown, "x.md")).toThrow(
      "x.md:4: expected a Log Analytics column type for 'b'",
    );
  });

  it("reject a page without a column table", () => {
    expect(() => parseColumnTable("# nothing here\n", "y.md")).toThrow("y.md: expected a '| Column | Type");
  });
});

describe("kqlResultColumns", () => {
  it("lists the columns a query returns, with their types", () => {
    const query =
      "WebShellEnrichment_CL | extend UserAgents = tostring(AttackerUserAgents) | project HostName, UserAgents, RequestCount";
    expect(kqlResultColumns(query)).toEqual([
      { name: "HostName", type: "string" },
      { name: "UserAgents", type: "string" },
      { name: "RequestCount", type: "int" },
    ]);
  });

  it("refuses an invalid query", () => {
    expect(() => kqlResultColumns("WebShellEnrichment_CL | project Nope")).toThrow(/KS142/);
  });
});
