import type { BaselineScope } from "../model/EngineOptions.js";

/**
 * The key a page's distinct clients are counted under, from its parts. Requests (offline) and the workspace's
 * baseline rows (pushdown) both go through here, so the two always meet on the same key.
 *
 * @param page lower-case `csUriStem` (precise) or the exact one (compat, scope `page` only)
 * @param hostKey the request's short host name, or its server address when it has none
 * @param site lower-case `sSiteName`
 */
export function composeBaselineKey(
  scope: BaselineScope,
  page: string,
  hostKey: string,
  site: string,
): string {
  switch (scope) {
    case "page":
      return page;
    case "host":
      return `${hostKey}\u0000${page}`;
    case "site":
      return `${hostKey}\u0000${site}\u0000${page}`;
  }
}
