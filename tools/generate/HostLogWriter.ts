import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { BufferedWriter } from "./BufferedWriter.js";
import { formatW3cHeader, formatW3cLine } from "./formatW3cLine.js";
import { fieldsAt, type IisHost } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

const DAY = 86_400_000;

/**
 * Writes one host's requests, in time order, the way IIS does: one `u_exYYMMDD.log` per UTC day, a header block
 * at the start of each file and again whenever logging restarts (application-pool recycle, config change), with
 * the `#Fields` in force at that moment.
 */
export class HostLogWriter {
  /** Files written, relative to the output folder. */
  readonly files: string[] = [];
  lines = 0;
  private writer: BufferedWriter | undefined;
  private day = -1;
  private date = "";
  private fields: readonly string[] = [];
  private readonly restarts: number[];
  private nextRestart = 0;
  private readonly times: string[] = [];

  constructor(
    private readonly outDir: string,
    private readonly host: IisHost,
  ) {
    const change = host.fieldChange === undefined ? [] : [host.fieldChange.at];
    this.restarts = [...host.recycles, ...change].sort((a, b) => a - b);
    mkdirSync(join(outDir, "iis", host.machine.hostName.toUpperCase()), { recursive: true });
    for (let s = 0; s < 86_400; s++) {
      const hh = String(Math.floor(s / 3600)).padStart(2, "0");
      const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
      this.times.push(`${hh}:${mm}:${String(s % 60).padStart(2, "0")}`);
    }
  }

  /** Appends a request; records must come in non-decreasing time order. */
  write(record: W3cRecord): void {
    const day = Math.floor(record.time / DAY);
    if (day !== this.day) this.openDay(day, record.time);
    else if (
      this.nextRestart < this.restarts.length &&
      (this.restarts[this.nextRestart] ?? Infinity) <= record.time
    ) {
      this.header(record.time);
    }
    const time = this.times[Math.floor((record.time % DAY) / 1000)] ?? "00:00:00";
    (this.writer as BufferedWriter).write(
      formatW3cLine(this.fields, this.host, record, this.date, time) + "\n",
    );
    this.lines++;
  }

  /** Flushes and closes the current file. */
  close(): void {
    this.writer?.close();
    this.writer = undefined;
  }

  private openDay(day: number, time: number): void {
    this.close();
    this.day = day;
    this.date = new Date(day * DAY).toISOString().slice(0, 10);
    const name = `u_ex${this.date.slice(2, 4)}${this.date.slice(5, 7)}${this.date.slice(8, 10)}.log`;
    const relative = join("iis", this.host.machine.hostName.toUpperCase(), name);
    this.files.push(relative);
    this.writer = new BufferedWriter(join(this.outDir, relative));
    this.header(time);
  }

  private header(time: number): void {
    while (this.nextRestart < this.restarts.length && (this.restarts[this.nextRestart] ?? Infinity) <= time)
      this.nextRestart++;
    this.fields = fieldsAt(this.host, time);
    const stamp = `${this.date} ${this.times[Math.floor((time % DAY) / 1000)] ?? "00:00:00"}`;
    (this.writer as BufferedWriter).write(formatW3cHeader(this.host.software, this.fields, stamp));
  }
}
