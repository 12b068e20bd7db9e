import { z } from "zod";

import { MATCH_MODES, type MatchMode } from "../../core/model/EngineOptions.js";
import { parseTimestamp } from "../../core/model/parseTimestamp.js";
import type { OnDemandParams } from "../../job/runOnDemand.js";

const isoTime = (name: string) =>
  z
    .string({ error: `${name} is required: an ISO 8601 time such as 2026-11-20T00:00:00Z` })
    .transform((text, context) => {
      const time = parseTimestamp(text);
      if (time === undefined) {
        context.addIssue({
          code: "custom",
          message: `${name} must be an ISO 8601 time, got ${JSON.stringify(text.slice(0, 64))}`,
        });
        return z.NEVER;
      }
      return time;
    });

const schema = z
  .object({
    from: isoTime("from"),
    to: isoTime("to"),
    mode: z
      .enum(MATCH_MODES as [MatchMode, ...MatchMode[]], {
        error: `mode must be one of ${MATCH_MODES.join(", ")}`,
      })
      .optional(),
    dryRun: z
      .union([z.boolean(), z.enum(["true", "false"])], { error: "dryRun must be true or false" })
      .transform((value) => value === true || value === "true")
      .optional(),
  })
  .strict();

export type EnrichRequestResult = { ok: true; params: OnDemandParams } | { ok: false; problems: string[] };

/**
 * Validates the on-demand trigger's input (query string and JSON body merged): ISO 8601 `from` < `to`, a span of
 * at most `maxSpanMs`, a known `mode`, a boolean `dryRun`, and nothing else. Every problem is reported at once.
 */
export function parseEnrichRequest(
  input: Record<string, unknown>,
  defaults: { mode: MatchMode; maxSpanMs: number },
): EnrichRequestResult {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys" ? `unknown parameter(s): ${issue.keys.join(", ")}` : issue.message,
      ),
    };
  }
  const { from, to, mode, dryRun } = parsed.data;
  const problems: string[] = [];
  if (from >= to) problems.push("from must be before to");
  else if (to - from > defaults.maxSpanMs) {
    problems.push(
      `the span from..to must be at most ${defaults.maxSpanMs / 3_600_000} hours (ENRICH_HTTP_MAX_SPAN)`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, params: { from, to, mode: mode ?? defaults.mode, dryRun: dryRun ?? false } };
}
