import { parseW3cDateBytes, parseW3cTimeBytes } from "./parseW3cDateTimeBytes.js";

/**
 * `parseW3cDateTimeBytes` for a stream of lines: a log file holds a day or so, so the date field repeats line
 * after line. The last date read is remembered by its 10 bytes, and only the time of day is parsed per line.
 */
export class W3cTimeReader {
  private readonly lastDate = new Uint8Array(10);
  private lastDay: number | undefined;
  private known = false;

  /** Epoch milliseconds (UTC) of a line's date and time fields, or `undefined` when either is malformed. */
  read(
    buf: Uint8Array,
    dateStart: number,
    dateEnd: number,
    timeStart: number,
    timeEnd: number,
  ): number | undefined {
    let day: number | undefined;
    if (dateEnd - dateStart === 10 && this.known && this.sameDate(buf, dateStart)) day = this.lastDay;
    else {
      day = parseW3cDateBytes(buf, dateStart, dateEnd);
      if (dateEnd - dateStart === 10) {
        this.lastDate.set(buf.subarray(dateStart, dateEnd));
        this.lastDay = day;
        this.known = true;
      }
    }
    if (day === undefined) return undefined;
    const time = parseW3cTimeBytes(buf, timeStart, timeEnd);
    return time === undefined ? undefined : day + time;
  }

  private sameDate(buf: Uint8Array, at: number): boolean {
    const last = this.lastDate;
    for (let k = 9; k >= 0; k--) if (buf[at + k] !== last[k]) return false; // the day differs first
    return true;
  }
}
