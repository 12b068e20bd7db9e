import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { escapeHtml, Markup, markup } from "../../../../../../lib/adapters/cli/output/html/escapeHtml.js";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
const unescape = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!);

describe("escapeHtml", () => {
  it("leaves no character that can end text or a quoted attribute, and loses nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const html = escapeHtml(text);
        expect(html).not.toMatch(/[<>"']/);
        expect(html.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
        expect(unescape(html)).toBe(text);
      }),
    );
  });

  it("escapes markup, entities and quotes", () => {
    expect(escapeHtml(`<img src=x onerror="a('1')"> &lt;`)).toBe(
      "&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt; &amp;lt;",
    );
  });
});

describe("markup", () => {
  it("escapes every interpolated string and number, and keeps its own markup", () => {
    const cell = markup`<td class="${'x" onclick="y'}">${"<b>"}${7}</td>`;
    expect(markup`<tr>${cell}${null}${undefined}${[markup`<td>`, "&", [markup`</td>`]]}</tr>`.html).toBe(
      '<tr><td class="x&quot; onclick=&quot;y">&lt;b&gt;7</td><td>&amp;</td></tr>',
    );
  });

  it("cannot be handed text as markup: only markup and Markup.trusted make one", () => {
    const forged = { html: "<script>" } as unknown as Markup;
    expect(() => markup`${forged}`).toThrow(TypeError);
    expect(markup`${Markup.trusted("<hr>")}`.html).toBe("<hr>");
  });
});
