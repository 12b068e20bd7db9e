import { compareOrdinal, makeBag, makeSet, splitAt } from "../../kusto.js";
import type { WebRequest } from "../../model/WebRequest.js";
import { compareText } from "../../records/compareRecords.js";
import { recordIdOfJson } from "../../records/computeRecordId.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import {
  commandLinesOf,
  COMPAT_LOOKUP_WINDOW_MS,
  type CompatFile,
  type CompatJoin,
} from "./CompatCommand.js";

/** One (site, host, IP, UA, page, bin) group of the query's IIS sub-select. */
interface RequestGroup {
  request: WebRequest;
  start: number;
  end: number;
  timeKey: number;
}

/** What one request group brings to an output cell: its site and user agent, for the commands of `ids`. */
interface Contribution {
  site: string;
  userAgent: string;
  /** The joined file entries' `$id`s: the group counts for the command lines of any of them. */
  ids: readonly string[];
}

/**
 * The records of one (timestamp, host, page, IP), the leading keys of the output order, by file name: the query's
 * `summarize ... by csUriStem, filename, ImageName, CommandLine, HostName, IPCustomEntity, timestamp` before the
 * command line is multiplied in.
 */
interface Cell {
  timestamp: number;
  hostName: string;
  stem: string;
  /** The page's last segment (`ShellName`). */
  name: string;
  ip: string;
  byImage: Map<string, Contribution[]>;
}

/**
 * The end of the original query (docs/design.md §2–3), one record at a time in output order: the candidates grouped
 * per bin, joined to the file entries on bin and exact host name, kept when all of a group's requests share one
 * timestamp (B1), summarised per page, command, host, IP and timestamp, and kept when the page's distinct client
 * IPs are at most `threshold`.
 *
 * The cross-alert join (B2) can pair N files with M commands each; the product is never held: groups are gathered
 * per output cell with the ids of the files they joined (groups × files), and each cell's records are made from the
 * command lines of those ids when the cell's turn comes, a command line at a time. Memory is the candidates, the
 * cells, one cell's command lines and one command line's records.
 *
 * @param timeKeysFor the bins of a request where a command waits (`range(bin(t - 1m), bin(t), 30s)`, filtered)
 * @param distinctIps the page's distinct client IPs in the baseline (capped above `threshold`)
 */
export function* buildCompatRecords(
  join: CompatJoin,
  candidates: readonly WebRequest[],
  timeKeysFor: (request: WebRequest) => number[],
  distinctIps: (stem: string) => number,
  threshold: number,
  enrichedAt: number,
): Generator<EnrichmentRecord> {
  const filesAt = new Map<string, CompatFile[]>();
  for (const file of join.files) {
    const key = joinKey(file.timeKey, file.hostName);
    const list = filesAt.get(key);
    if (list === undefined) filesAt.set(key, [file]);
    else list.push(file);
  }
  const cells = new Map<string, Cell>();
  for (const group of groupRequests(candidates, timeKeysFor)) {
    // B1: `(StartTime - EndTime) between (0min .. lookupWindow)` holds only when StartTime == EndTime.
    const span = group.start - group.end;
    if (span < 0 || span > COMPAT_LOOKUP_WINDOW_MS) continue;
    const r = group.request;
    const files = filesAt.get(joinKey(group.timeKey, r.sComputerName));
    // The baseline's `where dcount_SourceIP <= 3` drops every record of the page: drop the group now.
    if (files === undefined || distinctIps(r.csUriStem) > threshold) continue;
    const key = JSON.stringify([group.start, r.sComputerName, r.csUriStem, r.cIP]);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = {
        timestamp: group.start,
        hostName: r.sComputerName,
        stem: r.csUriStem,
        name: splitAt(r.csUriStem, "/", -1),
        ip: r.cIP,
        byImage: new Map(),
      };
      cells.set(key, cell);
    }
    for (const file of files) {
      const contributions = cell.byImage.get(file.imageName) ?? [];
      contributions.push({ site: r.sSiteName, userAgent: r.csUserAgent, ids: file.ids });
      cell.byImage.set(file.imageName, contributions);
    }
  }
  // Which file `$id`s each command line joins (the other side of `join.commandLines`), made once.
  const idsOfLine = new Map<string, Set<string>>();
  for (const [id, lines] of join.commandLines)
    for (const line of lines) {
      const ids = idsOfLine.get(line);
      if (ids === undefined) idsOfLine.set(line, new Set([id]));
      else ids.add(id);
    }
  // The ids' parts, each JSON-encoded once: a cell's records share all parts but the command line, and the same
  // command lines recur in every cell their files join.
  const lineJson = new Map<string, string>();
  const jsonOf = (line: string) => {
    let json = lineJson.get(line);
    if (json === undefined) lineJson.set(line, (json = JSON.stringify(line)));
    return json;
  };
  for (const cell of [...cells.values()].sort(compareCells))
    yield* cellRecords(cell, join, idsOfLine, jsonOf, distinctIps(cell.stem), enrichedAt);
}

/** A file name of a cell, with the groups it joined and what it has made of them. */
interface CellImage {
  imageName: string;
  contributions: readonly Contribution[];
  /** Its file entries (the distinct `ids` of its contributions), in the order of its image group's `entries`. */
  entries: (readonly string[])[];
  /** The start of its records' id parts. */
  idHead: string;
  /** Its summaries, by the entries that take a command line. */
  summaries: Map<string, CellSummary>;
}

/** The file names of a cell whose entries hold the same ids: they join the same command lines, alike. */
interface ImageGroup {
  entries: (readonly string[])[];
  ids: readonly string[];
  images: CellImage[];
}

/**
 * One cell's records, one command line at a time in output order (the cell's records differ only in command line,
 * then id): N files in one alert bin that join M command lines each make N × M records in one cell, so a cell is
 * never made whole. Memory is the cell's distinct command lines and one line's records (one per file name).
 */
function* cellRecords(
  cell: Cell,
  join: CompatJoin,
  idsOfLine: ReadonlyMap<string, ReadonlySet<string>>,
  jsonOf: (line: string) => string,
  pageIps: number,
  enrichedAt: number,
): Generator<EnrichmentRecord> {
  const idTail = `,${JSON.stringify([cell.hostName, cell.ip, cell.timestamp]).slice(1)}`;
  const groups = new Map<string, ImageGroup>();
  const lines = new Set<string>();
  for (const [imageName, contributions] of cell.byImage) {
    // Entries are few (usually one) and lines many: the lines that take the same entries share one summary.
    const entries = [...new Set(contributions.map(({ ids }) => ids))];
    const signature = JSON.stringify(entries);
    let group = groups.get(signature);
    if (group === undefined) {
      const ids = [...new Set(entries.flat())];
      groups.set(signature, (group = { entries, ids, images: [] }));
      for (const line of commandLinesOf(join, ids)) lines.add(line);
    }
    const idHead = `${JSON.stringify(["compat", cell.stem, imageName]).slice(0, -1)},`;
    group.images.push({ imageName, contributions, entries, idHead, summaries: new Map() });
  }
  for (const commandLine of [...lines].sort(compareText)) {
    const joined = idsOfLine.get(commandLine)!;
    const records: EnrichmentRecord[] = [];
    for (const group of groups.values()) {
      if (!group.ids.some((id) => joined.has(id))) continue;
      const taking =
        group.entries.length === 1
          ? [0]
          : group.entries.map((ids, i) => (ids.some((id) => joined.has(id)) ? i : -1));
      const key = taking.join();
      for (const image of group.images) {
        let summary = image.summaries.get(key);
        if (summary === undefined) {
          const taken = image.contributions.filter(({ ids }) => taking[image.entries.indexOf(ids)]! >= 0);
          image.summaries.set(key, (summary = summarize(cell.ip, taken)));
        }
        const recordId = recordIdOfJson(image.idHead + jsonOf(commandLine) + idTail);
        records.push(
          toCompatRecord(cell, image.imageName, commandLine, recordId, summary, pageIps, enrichedAt),
        );
      }
    }
    yield* records.sort((a, b) => compareText(a.RecordId, b.RecordId));
  }
}

/** What the query's summarize keeps of a cell's groups: `make_set(Site)`, `make_bag(pack(ip, ua))`. */
interface CellSummary {
  sites: string[];
  attacker: Record<string, string>;
  userAgents: string[];
}

function summarize(ip: string, joined: readonly Contribution[]): CellSummary {
  const attacker = makeBag(joined.map(({ userAgent }) => [ip, userAgent] as const));
  return {
    sites: makeSet(joined.map(({ site }) => site)),
    attacker,
    userAgents: makeSet(Object.values(attacker)),
  };
}

/** The output order's leading keys (`compareRecords`; compat has no process start): timestamp, host, page, IP. */
function compareCells(a: Cell, b: Cell): number {
  return (
    a.timestamp - b.timestamp ||
    compareOrdinal(a.hostName, b.hostName) ||
    compareOrdinal(a.stem, b.stem) ||
    compareOrdinal(a.ip, b.ip)
  );
}

/** The query's IIS sub-select: one group per (site, host, IP, UA, page, filename, firstDir, TimeKey). */
function groupRequests(
  candidates: readonly WebRequest[],
  timeKeysFor: (request: WebRequest) => number[],
): Iterable<RequestGroup> {
  const groups = new Map<string, RequestGroup>();
  for (const r of candidates) {
    for (const timeKey of timeKeysFor(r)) {
      const key = JSON.stringify([
        r.sSiteName,
        r.sComputerName,
        r.cIP,
        r.csUserAgent,
        r.csUriStem,
        splitAt(r.csUriStem, "/", -1),
        splitAt(r.csUriStem, "/", -2),
        timeKey,
      ]);
      const group = groups.get(key);
      if (group === undefined)
        groups.set(key, { request: r, start: r.TimeGenerated, end: r.TimeGenerated, timeKey });
      else {
        group.start = Math.min(group.start, r.TimeGenerated);
        group.end = Math.max(group.end, r.TimeGenerated);
      }
    }
  }
  return groups.values();
}

function joinKey(timeKey: number, hostName: string): string {
  return `${timeKey}\u0000${hostName}`;
}

/**
 * One record. `recordId` is `computeRecordId(["compat", stem, imageName, commandLine, hostName, ip, timestamp])`,
 * made by the caller from the parts' JSON (see `recordIdOfJson`).
 */
function toCompatRecord(
  cell: Cell,
  imageName: string,
  commandLine: string,
  recordId: string,
  summary: CellSummary,
  distinctIps: number,
  enrichedAt: number,
): EnrichmentRecord {
  return {
    TimeGenerated: cell.timestamp,
    RecordId: recordId,
    MatchMode: "compat",
    SystemAlertId: "",
    AlertName: "",
    AlertTime: null,
    HostName: cell.hostName,
    DnsDomain: "",
    Sites: summary.sites,
    ShellLocation: cell.stem,
    ShellName: cell.name,
    ShellDirectory: "",
    ProcessName: imageName, // the query's ParentProcess column holds the file entity's name (B6)
    ProcessCommandLine: commandLine,
    ProcessId: "",
    ProcessCreationTime: null,
    ParentProcessName: "",
    ProcessSource: "",
    AttackerIP: cell.ip,
    AttackerUserAgents: summary.userAgents,
    Attacker: summary.attacker,
    RequestCount: null,
    FirstRequestTime: null,
    LastRequestTime: null,
    PageDistinctIPs: distinctIps,
    Evidence: [],
    EnrichedAt: enrichedAt,
  };
}
