import { readFileSync } from "node:fs";

import type { EntityGraph } from "../../../../lib/core/entities/EntityGraph.js";
import { parseEntityGraph } from "../../../../lib/core/entities/parseEntityGraph.js";

interface SampleRow {
  SystemAlertId: string;
  ProviderName: string;
  Entities: string;
}

const rows = (
  JSON.parse(
    readFileSync(
      new URL(
        "../../../fixtures/alerts/stix-shifter_azure_log_analytics_SecurityAlert_rows.json",
        import.meta.url,
      ),
      "utf8",
    ),
  ) as { rows: SampleRow[] }
).rows;

/** The `Entities` string of the real MDATP test alert, exactly as stored in the SecurityAlert table. */
export const MDATP_ENTITIES = rowOf("MDATP").Entities;
/** The `Entities` string of the real Azure Security Center sample alert. */
export const ASC_ENTITIES = rowOf("Azure Security Center").Entities;

/** Parses `Entities` and fails the test when it is not a graph. */
export function graphOf(entities: unknown): EntityGraph {
  const graph = parseEntityGraph(entities);
  if (!graph.ok) throw new Error(`expected a graph, got: ${graph.reason}`);
  return graph;
}

/** The entity carrying `$id`, failing the test when there is none. */
export function byId(graph: EntityGraph, id: string) {
  const entity = graph.lookup(id);
  if (entity === undefined) throw new Error(`no entity with $id ${id}`);
  return entity;
}

function rowOf(provider: string): SampleRow {
  const row = rows.find((candidate) => candidate.ProviderName === provider);
  if (row === undefined) throw new Error(`no ${provider} row in the sample`);
  return row;
}
