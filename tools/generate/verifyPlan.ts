import type { Finding } from "./computeFindings.js";
import type { Plan } from "./Plan.js";

/**
 * Checks the truth against the plan's intent: every scenario alert yields at least one finding, every decoy alert
 * none. A failure is a generator bug (say, a slot that let two incidents overlap), never bad input.
 *
 * @throws Error naming the alert and its scenario.
 */
export function verifyPlan(plan: Plan, findings: readonly Finding[]): void {
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
