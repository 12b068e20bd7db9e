import { buildAlertEntities } from "./buildAlertEntities.js";
import type { PlannedAlert } from "./Plan.js";

/** ISO 8601 UTC with seven fraction digits, as Log Analytics returns `datetime` columns. */
function ticks(ms: number, extra: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(extra % 10_000).padStart(4, "0")}Z`;
}

/**
 * A SecurityAlert row with the columns of the real rows (see the stix-shifter sample): times as ISO 8601 UTC
 * strings, `Entities` and the other JSON columns as strings, exactly as the table stores them.
 */
export function buildAlertRow(
  alert: PlannedAlert,
  tenantId: string,
  entityIdsFrom: number,
): Record<string, unknown> {
  const created = alert.processes.map((p) => p.created);
  const start = Math.min(...created);
  const end = Math.max(...created);
  // Sub-millisecond digits, stable per alert, so times look like the table's ticks without another random draw.
  const extra = parseInt(alert.systemAlertId.slice(0, 4), 16);
  const defender = alert.shape !== "asc";
  const link = defender
    ? `https://security.microsoft.com/alerts/da${alert.vendorOriginalId}`
    : `https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/${alert.vendorOriginalId}`;
  return {
    TenantId: tenantId,
    TimeGenerated: ticks(alert.timeGenerated, extra),
    DisplayName: alert.alertName,
    AlertName: alert.alertName,
    AlertSeverity: alert.severity,
    Description: alert.description,
    ProviderName: alert.providerName,
    VendorName: "Microsoft",
    VendorOriginalId: alert.vendorOriginalId,
    SystemAlertId: alert.systemAlertId,
    ResourceId: defender
      ? ""
      : `/subscriptions/${tenantId}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${alert.hostName}`,
    SourceComputerId: "",
    AlertType: alert.alertType,
    ConfidenceLevel: "",
    ConfidenceScore: null,
    IsIncident: false,
    StartTime: ticks(start, extra + 1),
    EndTime: ticks(end, extra + 2),
    ProcessingEndTime: ticks(alert.timeGenerated - 150 - (extra % 2000), extra + 3),
    RemediationSteps: JSON.stringify(
      defender
        ? [
            "1. Make sure the machine is completely updated and all your software has the latest patch.",
            "2. Contact your incident response team.",
            "3. Review the files in the web server's content folders and remove any web shell.",
          ]
        : [
            "Review the command line and the web server's content folders; escalate to the information security team.",
          ],
    ),
    ExtendedProperties: defender
      ? JSON.stringify({ MitreTechniques: alert.techniques, Category: "SuspiciousActivity" })
      : JSON.stringify({ resourceType: "Virtual Machine", "Compromised Host": alert.hostName }),
    Entities: buildAlertEntities(alert, entityIdsFrom),
    SourceSystem: "Detection",
    WorkspaceSubscriptionId: "",
    WorkspaceResourceGroup: "",
    ExtendedLinks: "",
    ProductName: alert.productName,
    ProductComponentName: defender ? "" : "VirtualMachines",
    AlertLink: link,
    Status: "New",
    CompromisedEntity: alert.hostName,
    Tactics: alert.tactics,
    Techniques: alert.techniques,
    Type: "SecurityAlert",
  };
}
