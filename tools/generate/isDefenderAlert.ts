import type { PlannedAlert } from "./Plan.js";

/** `ProductName` values that mark a Defender for Endpoint alert (docs/design.md §4.1). */
export const DEFENDER_PRODUCT_NAMES: readonly string[] = [
  "Microsoft Defender Advanced Threat Protection",
  "Microsoft 365 Defender",
  "Microsoft Defender XDR",
  "Microsoft Defender for Endpoint",
];

/** True for a Defender for Endpoint alert: `ProviderName =~ "MDATP"` or a Defender `ProductName`. */
export function isDefenderAlert(alert: Pick<PlannedAlert, "providerName" | "productName">): boolean {
  return alert.providerName.toLowerCase() === "mdatp" || DEFENDER_PRODUCT_NAMES.includes(alert.productName);
}
