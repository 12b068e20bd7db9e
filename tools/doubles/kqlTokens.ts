import { createRequire } from "node:module";

// The Bridge.NET build of Kusto.Language defines the global `Kusto` namespace; these are the few members used.
interface Token {
  readonly Kind: number;
  readonly Text: string;
  readonly ValueText: string;
}
interface KustoLanguage {
  readonly KustoCode: {
    Parse(text: string): { readonly Syntax: { WalkTokens(visit: (token: Token) => void): void } };
  };
}

let language: KustoLanguage | undefined;

/**
 * The lexical tokens Kusto's own parser reads in a query: text as written and value (string literals unescaped).
 * Used to prove that values put into KQL stay one literal whatever they contain.
 */
export function kqlTokens(query: string): { text: string; value: string }[] {
  if (language === undefined) {
    const require = createRequire(import.meta.url);
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  const tokens: { text: string; value: string }[] = [];
  language.KustoCode.Parse(query).Syntax.WalkTokens((token) => {
    if (token.Text !== "") tokens.push({ text: token.Text, value: token.ValueText });
  });
  return tokens;
}
