import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { makeTestCertificate } from "../../doubles/makeTestCertificate.js";
import { startAzurite } from "../../doubles/startAzurite.js";
import { startIngestionServer } from "../../doubles/startIngestionServer.js";
import { startLogAnalyticsServer } from "../../doubles/startLogAnalyticsServer.js";
import {
  answerLoadQuery,
  type LoadShape,
  makeAlertRows,
  makeRequestRows,
  rowsIn,
  SERVICE_ROW_LIMIT,
} from "./loadData.js";
import { measureTableThroughput } from "./tableThroughput.js";

// The load benchmark (not a test): `npm run bench:load [-- --rows-per-alert 100 --alerts 10000 --table 100000
// --single 5000]`. Part 1 runs one on-demand enrichment over 1,000,000 candidate IIS rows and 10,000 alerts served
// by the Log Analytics double, in a child process whose peak RSS and duration it prints (the budget is the 2 GB of
// a Flex Consumption instance). Part 2 writes 100,000 records through the Table Storage ledger and, in the same
// run, records one entity at a time, and prints records/s of both.

const FLEX_MEMORY_MIB = 2048;
const WORKSPACE_ID = "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f";
const RULE_ID = "dcr-0123456789abcdef0123456789abcdef";
const STREAM = "Custom-WebShellEnrichment_CL";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
  const shape: LoadShape = {
    alerts: option("alerts", 10_000),
    hosts: option("hosts", 200),
    rowsPerAlert: option("rows-per-alert", 100),
    start: Date.parse("2026-11-20T00:00:00Z"),
  };
  const tableRecords = option("table", 100_000);
  const singleRecords = option("single", 5_000);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );

  // Part 1: the enrichment run.
  const alerts = makeAlertRows(shape);
  const byHost = makeRequestRows(shape);
  const candidateRows = shape.alerts * shape.rowsPerAlert;
  const answered: number[] = [];
  const certificate = await makeTestCertificate();
  const azurite = await startAzurite();
  const ingestion = await startIngestionServer({ certificate, streams: [STREAM] });
  const la = await startLogAnalyticsServer({
    certificate,
    workspaceIds: [WORKSPACE_ID],
    answer: answerLoadQuery(alerts, byHost, (rows) => answered.push(rows)),
  });
  // The service answers at most 500,000 rows: past that, a partial result that says so (as the service does).
  la.faults.push(
    { kind: "partial", keepRows: SERVICE_ROW_LIMIT },
    {
      times: Infinity,
      when: (request) =>
        request.query.startsWith("let intervals") &&
        !request.query.includes("let candidatePages") &&
        rowsIn(byHost, request.query).length > SERVICE_ROW_LIMIT,
    },
  );
  const caFile = join(tmpdir(), `load-ca-${process.pid}.pem`);
  await writeFile(caFile, certificate.cert);
  console.log(
    `part 1: ${shape.alerts} alerts on ${shape.hosts} hosts, ${candidateRows} candidate IIS rows ` +
      `(${shape.rowsPerAlert} per alert window), one on-demand run over the day`,
  );
  try {
    const child = await runChild({
      ...process.env,
      LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
      LOG_ANALYTICS_ENDPOINT: la.endpoint,
      LOGS_INGESTION_ENDPOINT: ingestion.endpoint,
      LOGS_INGESTION_RULE_ID: RULE_ID,
      ENRICHMENT_TABLE_CONNECTION: azurite.connectionString,
      ENRICH_HTTP_MAX_SPAN: "P2D",
      LOAD_CA_FILE: caFile,
      LOAD_FROM: new Date(shape.start).toISOString(),
      LOAD_TO: new Date(shape.start + 86_400_000 + 2 * 3_600_000).toISOString(),
    });
    const queries = la.requests.length;
    const served = answered.reduce((sum, n) => sum + n, 0);
    console.log(
      `  status ${child.status}, ${child.records} record(s), written ${JSON.stringify(child.written)}\n` +
        `  ${queries} queries; ${served} candidate rows served in ${answered.length} answers ` +
        `(largest ${Math.max(0, ...answered)} rows)\n` +
        `  duration ${(child.durationMs / 1000).toFixed(1)} s, peak RSS ${child.peakRssMiB} MiB ` +
        `(${child.peakRssMiB < FLEX_MEMORY_MIB ? "within" : "OVER"} the ${FLEX_MEMORY_MIB} MiB of Flex Consumption)`,
    );
    if (child.errors !== undefined) console.log(`  errors: ${JSON.stringify(child.errors)}`);
  } finally {
    await Promise.all([la.close(), ingestion.close()]);
  }

  // Part 2: Table Storage throughput, in the same run and against the same Azurite.
  console.log(`part 2: ${tableRecords} records through the ledger, ${singleRecords} one entity at a time`);
  try {
    const t = await measureTableThroughput(azurite.connectionString, tableRecords, singleRecords, (line) =>
      console.log(line),
    );
    const claimRate = t.batched.records / (t.batched.claimMs / 1000);
    const pathRate = t.batched.records / ((t.batched.claimMs + t.batched.markMs) / 1000);
    const singleRate = t.single.records / (t.single.ms / 1000);
    console.log(
      `  ledger claim (1 write/record, transactions of 100, 8 partitions at once): ` +
        `${Math.round(claimRate)} records/s (${(t.batched.claimMs / 1000).toFixed(1)} s)\n` +
        `  ledger claim + mark ingested (2 writes/record, as a run does): ${Math.round(pathRate)} records/s\n` +
        `  upsertEntity one at a time (1 write/record): ${Math.round(singleRate)} records/s ` +
        `(${(t.single.ms / 1000).toFixed(1)} s)\n` +
        `  ratio: claim ${(claimRate / singleRate).toFixed(1)}× one-at-a-time; full ledger path ` +
        `${(pathRate / singleRate).toFixed(1)}×`,
    );
  } finally {
    await azurite.stop();
  }
}

interface ChildResult {
  status: number;
  durationMs: number;
  peakRssMiB: number;
  records: number;
  written: unknown;
  errors: unknown;
}

function runChild(env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const script = fileURLToPath(new URL("./runJobChild.js", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(
          new Error(
            `expected the run's JSON summary from the child (exit ${code}), got ${out.slice(0, 500)}`,
          ),
        );
      }
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
