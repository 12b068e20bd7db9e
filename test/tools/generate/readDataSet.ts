import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "csv-parse/sync";

/** One data line of a generated W3C log, by field name, with where it came from. */
export interface LogRow {
  file: string;
  line: number;
  values: Record<string, string>;
}

/** A W3C log file read the simple way: `#Fields` sets the names, data lines are split on spaces. */
export interface LogFile {
  file: string;
  headers: string[][];
  rows: LogRow[];
  /** Data lines whose number of values differs from the `#Fields` in force (must be none). */
  malformed: string[];
}

/** Reads every `iis/<HOST>/*.log` of a generated data set, in file name order. */
export function readLogs(dir: string): LogFile[] {
  const files: LogFile[] = [];
  for (const host of readdirSync(join(dir, "iis")).sort()) {
    for (const name of readdirSync(join(dir, "iis", host)).sort()) {
      const file = join("iis", host, name);
      const log: LogFile = { file, headers: [], rows: [], malformed: [] };
      let fields: string[] | undefined;
      let header: string[] = [];
      readFileSync(join(dir, file), "utf8")
        .split("\n")
        .forEach((text, i) => {
          if (text === "") return;
          if (text.startsWith("#")) {
            header.push(text);
            if (text.startsWith("#Fields: ")) {
              fields = text.slice("#Fields: ".length).split(" ");
              log.headers.push(header);
              header = [];
            }
            return;
          }
          const parts = text.split(" ");
          if (fields === undefined || parts.length !== fields.length) {
            log.malformed.push(`${file}:${i + 1}`);
            return;
          }
          const values: Record<string, string> = {};
          fields.forEach((name, k) => (values[name] = parts[k] ?? ""));
          log.rows.push({ file, line: i + 1, values });
        });
      files.push(log);
    }
  }
  return files;
}

/** The SecurityAlert rows of a data set. */
export function readAlerts(dir: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(dir, "alerts.json"), "utf8")) as Record<string, unknown>[];
}

/** The DeviceProcessEvents rows of a data set (its Advanced Hunting CSV), by column name. */
export function readProcessEvents(dir: string): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(join(dir, "DeviceProcessEvents.csv"), "utf8"), {
    columns: true,
  });
}

/** The truth file of a data set. */
export interface Truth {
  seed: number;
  options: { seed: number; lines: number; start: string; days: number };
  findings: Record<string, string>[];
  benignExcluded: Record<string, number>;
  decoys: { scenario: string; why: string; SystemAlertId?: string; page?: string }[];
}

/** Reads `truth.json`. */
export function readTruth(dir: string): Truth {
  return JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth;
}

/** Every file of a data set (relative path → bytes), for byte-for-byte comparisons. */
export function readAllFiles(dir: string, relative = ""): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
    const path = join(relative, entry.name);
    if (entry.isDirectory()) for (const [k, v] of readAllFiles(dir, path)) out.set(k, v);
    else out.set(path, readFileSync(join(dir, path)));
  }
  return out;
}
