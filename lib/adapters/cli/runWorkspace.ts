import { DefaultAzureCredential } from "@azure/identity";
import { LogsQueryClient } from "@azure/monitor-query-logs";

import type { Diagnostics } from "../../core/Diagnostics.js";
import type { EngineOptions, TimeRange } from "../../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../../core/records/EnrichmentRecord.js";
import { collectRecords } from "../../job/collectRecords.js";
import { Deadline } from "../../job/Deadline.js";
import type { WorkspaceQuery } from "../../job/ports.js";
import type { OfflineResult } from "../../job/runOffline.js";
import { LogAnalyticsWorkspace } from "../azure/LogAnalyticsWorkspace.js";

/**
 * The job against a Log Analytics workspace, outside Functions: the same pushdown queries and engine as the
 * on-demand trigger, over `range`, printing the records instead of writing them to the sinks.
 */
export async function runWorkspace(
  target: { workspace: string; endpoint: string; range: TimeRange },
  options: EngineOptions,
  diagnostics: Diagnostics,
  now: () => number,
  workspace: WorkspaceQuery = connect(target.workspace, target.endpoint),
): Promise<Omit<OfflineResult, "iis" | "records"> & { records: EnrichmentRecord[] }> {
  const result = await collectRecords(
    // A person waits for the command: each query gets the service's 10 minutes, as in the portal.
    { engine: options, window: target.range, alertsBy: "time", deadline: Deadline.none(now) },
    workspace,
    diagnostics,
    now,
  );
  return {
    records: result.records,
    selectedAlerts: result.selectedAlerts,
    processes: result.processes,
    deviceProcesses:
      result.deviceProcessRows === 0 ? undefined : { read: result.deviceProcessRows, passes: 1 },
    commands: result.commands,
    candidates: result.candidateRows,
  };
}

function connect(workspaceId: string, endpoint: string): WorkspaceQuery {
  const client = new LogsQueryClient(new DefaultAzureCredential(), { endpoint });
  return new LogAnalyticsWorkspace(client, workspaceId);
}
