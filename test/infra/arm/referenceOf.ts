import type { ArmTemplate } from "./ArmTemplate.js";
import { resourceIdTarget } from "./checkDependencies.js";
import type { ArmNode } from "./parseArmExpression.js";
import { isArmExpression, parseArmExpression } from "./parseArmExpression.js";

/** A runtime property of a resource that an expression reads: `reference(<id>).logsIngestion.endpoint`. */
export interface ReferencedProperty {
  /** The resource type of `<id>`, e.g. `Microsoft.Insights/dataCollectionEndpoints`. */
  readonly type: string;
  /** The name segments of `<id>`, canonical (`variables('dceName')`). */
  readonly segments: readonly string[];
  /** The property path after `reference(...)`, e.g. `["logsIngestion", "endpoint"]`. */
  readonly path: readonly string[];
}

/**
 * Reads `reference(<id>, ...).a.b` (the id a `resourceId(...)` call or a variable holding one) as the resource
 * type, name and property path it reads, so a test can say "this setting is the DCE's logs ingestion
 * endpoint" without comparing expression text. Gives undefined for any other expression.
 */
export function referenceOf(
  expression: string | ArmNode,
  template: ArmTemplate,
): ReferencedProperty | undefined {
  let node = typeof expression === "string" ? parseArmExpression(expression) : expression;
  const path: string[] = [];
  while (node.kind === "property") {
    path.unshift(node.name);
    node = node.target;
  }
  if (node.kind !== "call" || node.name !== "reference" || node.args[0] === undefined) return undefined;
  let id = node.args[0];
  const [variableName] = id.kind === "call" && id.name === "variables" ? id.args : [];
  if (variableName?.kind === "string") {
    const value = template.variables?.[variableName.value];
    if (typeof value !== "string" || !isArmExpression(value)) return undefined;
    id = parseArmExpression(value);
  }
  const target = id.kind === "call" && id.name === "resourceId" ? resourceIdTarget(id) : undefined;
  return target === undefined ? undefined : { type: target.type, segments: target.segments, path };
}
