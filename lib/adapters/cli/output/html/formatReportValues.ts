import { formatTimestamp } from "../../../../core/model/parseTimestamp.js";
import { type Markup, markup } from "./escapeHtml.js";

// Characters that change what is shown without being seen: C0 and C1 controls, DEL, line and paragraph separators,
// and the bidi marks, embeddings, overrides and isolates that can make `exe.txt` read as `txt.exe`.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NONE = markup`<span class="none">—</span>`;

// Printable ASCII: shown as it is, nothing to isolate or point out, so it needs no element of its own.
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * A time as the report shows it: UTC, to the second, with milliseconds only when there are some (IIS logs whole
 * seconds, Defender milliseconds). Plain text: a large report's opening time follows its element count.
 */
export function timeCell(ms: number | null): Markup {
  return ms === null ? NONE : markup`${formatTime(ms)}`;
}

/** `2026-11-20 11:46:08` or `2026-11-20 11:46:25.746`, UTC. */
export function formatTime(ms: number): string {
  const iso = formatTimestamp(ms);
  return iso.slice(0, 19).replace("T", " ") + (ms % 1000 === 0 ? "" : iso.slice(19, 23));
}

/** A span of time in the unit a reader expects: `850 ms`, `2.97 s`, `55 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/**
 * Attacker-controlled text shown exactly as it is (escaped by `markup`), then a visible mark naming the hidden
 * characters it holds, if any (they stay in the text, so what is copied is what was logged). Text that is not
 * plain ASCII sits in an element that isolates its direction, so a right-to-left override or right-to-left
 * letters inside cannot reorder the text around it; a path is always in one, for its font.
 */
export function dataText(value: string, kind: "text" | "path" = "text"): Markup {
  const [text, mark] = dataParts(value, kind);
  return markup`${text}${mark}`;
}

/** The value and the mark of `dataText` apart, for a value whose element must hold the value alone. */
export function dataParts(value: string, kind: "text" | "path" = "text"): [Markup, Markup | null] {
  if (value === "") return [NONE, null];
  if (kind === "text" && PLAIN.test(value)) return [markup`${value}`, null];
  const hidden = [...new Set(value.match(HIDDEN) ?? [])].map(
    (char) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
  const mark =
    hidden.length === 0
      ? null
      : markup`<span class="hidden-chars" title="characters that are not shown or that reorder the text">holds ${hidden.join(" ")}</span>`;
  return [markup`<span class="${kind === "path" ? "path" : "v"}">${value}</span>`, mark];
}

/**
 * A user agent for reading: IIS logs its spaces as `+` (docs/design.md §4.10), shown here as spaces; the value as
 * logged, which a W3CIISLog query needs, is the element's title and stays in the JSON outputs.
 */
export function userAgentText(logged: string): Markup {
  const decoded = logged.split("+").join(" ");
  const text = dataText(decoded);
  return decoded === logged ? text : markup`<span title="${logged}">${text}</span>`;
}

/** `1 shell`, `3 shells`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}
