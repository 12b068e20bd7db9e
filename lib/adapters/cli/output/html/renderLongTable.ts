import { type Markup, markup } from "./escapeHtml.js";

// Rows per table of a long list. A block of 100 timeline rows is a few screens high.
const ROWS_PER_TABLE = 100;

/**
 * A list that can run to thousands of rows (a shell's timeline, the summary's inputs, attackers and shells), as
 * tables of `ROWS_PER_TABLE` rows with the same columns, each in a block that the browser lays out only when it is
 * scrolled to (`content-visibility` in the style sheet). One long table is laid out whole as soon as any of it
 * shows, which made most of a large report's opening time (tools/bench/report/RESULTS.md); the block is a `div`
 * because a table cannot be size-contained, so `content-visibility` would not skip it. Every table repeats the
 * head, which the screen shows once and print on every page.
 */
export function* renderLongTable(
  name: string,
  columns: Markup,
  head: Markup,
  rows: Iterable<Markup>,
): Generator<Markup> {
  let count = 0;
  for (const row of rows) {
    if (count % ROWS_PER_TABLE === 0)
      yield markup`${count === 0 ? null : markup`</tbody></table></div>\n`}<div class="part${count === 0 ? "" : " more"}"><table class="${name}">${columns}<thead>${head}</thead><tbody>\n`;
    yield row;
    count += 1;
  }
  if (count > 0) yield markup`</tbody></table></div>\n`;
}
