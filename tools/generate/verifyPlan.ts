import type { Finding } from "./computeFindings.js";
import type { Plan } from "./Plan.js";

/** Scenarios whose point is what only DeviceProcessEvents sees (docs/design.md §4.12). */
const DEVICE_ONLY_SCENARIOS = ["one-command-alerted", "no-alert-server"];

/**
 * Checks the truth against the plan's intent: every scenario alert yields at least one finding, every decoy alert
 * none, and the scenarios of commands that raised no alert yield findings from DeviceProcessEvents alone. A failure
 * is a generator bug (say, a slot that let two incidents overlap), never bad input.
 *
 * @throws Error naming the alert or the scenario.
 */
export function verifyPlan(plan: Plan, findings: readonly Finding[]): void {
  for (const scenario of DEVICE_ONLY_SCENARIOS) {
    const planted = plan.deviceProcesses.some((d) => d.scenario === scenario);
    const unalerted = findings.some(
      (f) => f.scenario === scenario && f.ProcessSource === "DeviceProcessEvents",
    );
    if (planted && !unalerted)
      throw new Error(`verifyPlan: ${scenario} yields no finding from DeviceProcessEvents`);
  }
  const decoyAlerts = new Set(plan.decoys.map((d) => d.SystemAlertId).filter((id) => id !== undefined));
  const found = new Set(findings.map((f) => f.SystemAlertId));
  for (const alert of plan.alerts) {
    const isDecoy = decoyAlerts.has(alert.systemAlertId);
    if (isDecoy && found.has(alert.systemAlertId)) {
      throw new Error(`verifyPlan: decoy alert ${alert.systemAlertId} (${alert.scenario}) would be reported`);
    }
    if (!isDecoy && !found.has(alert.systemAlertId)) {
      throw new Error(`verifyPlan: alert ${alert.systemAlertId} (${alert.scenario}) yields no finding`);
    }
  }
}
