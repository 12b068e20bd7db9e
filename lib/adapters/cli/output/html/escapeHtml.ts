const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text as HTML that shows exactly that text, in element content and in quoted attribute values alike: the five
 * characters that can end text or an attribute become character references (docs/design.md §5).
 *
 * @example escapeHtml('<img src=x onerror="alert(1)">') // "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * HTML the report wrote itself. Only `markup` makes one, so a string from the data can never pass for markup: it is
 * escaped wherever it is interpolated, and forgetting to escape is not possible.
 */
export class Markup {
  private constructor(readonly html: string) {}

  /** For `markup` alone; the name says what a caller vouches for. */
  static trusted(html: string): Markup {
    return new Markup(html);
  }
}

/** What a template may interpolate: markup as it is, text and numbers escaped, nothing for null, lists joined. */
export type Slot = Markup | string | number | null | undefined | readonly Slot[];

/**
 * A template of the report's own markup. Every interpolated string is escaped; markup made by `markup` goes in as
 * it is. Attribute values must be written in double quotes (`class="${name}"`), where escaping keeps them whole.
 * (Not named `html`: Prettier would format such templates as HTML and indent every row the report writes.)
 *
 * @example markup`<td>${commandLine}</td>` // the command line as text, whatever it holds
 */
export function markup(strings: TemplateStringsArray, ...slots: readonly Slot[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < slots.length; i++) out += render(slots[i]) + strings[i + 1]!;
  return Markup.trusted(out);
}

function render(slot: Slot): string {
  if (slot instanceof Markup) return slot.html;
  if (slot === null || slot === undefined) return "";
  if (typeof slot === "string") return escapeHtml(slot);
  if (typeof slot === "number") return escapeHtml(String(slot));
  return slot.map(render).join("");
}
