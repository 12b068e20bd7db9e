import type { ArmProblem, ArmResource, ArmTemplate } from "./ArmTemplate.js";
import { templateStrings } from "./ArmTemplate.js";
import type { ArmNode } from "./parseArmExpression.js";
import {
  collectCalls,
  formatArmNode,
  isArmExpression,
  parseArmExpression,
  tryParseArmExpression,
} from "./parseArmExpression.js";

type Call = Extract<ArmNode, { kind: "call" }>;

/**
 * What a `resourceId(...)` call points at: subscription and resource group (canonical, "" = this one), type, name
 * segments.
 */
export interface ResourceKey {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly type: string;
  readonly segments: readonly string[];
}

const CURRENT_RESOURCE_GROUP = new Set(["", "resourceGroup().name"]);
const CURRENT_SUBSCRIPTION = new Set(["", "subscription().subscriptionId"]);

function keyText(key: ResourceKey): string {
  const subscription = CURRENT_SUBSCRIPTION.has(key.subscriptionId) ? "" : key.subscriptionId;
  const group = CURRENT_RESOURCE_GROUP.has(key.resourceGroup) ? "" : key.resourceGroup;
  return `${subscription}|${group}|${key.type.toLowerCase()}|${key.segments.join("/")}`;
}

/**
 * The name segments of a resource name, canonical: `st1/default` and `[format('{0}/default', variables('x'))]`
 * become `['st1','default']` and `[variables('x'),'default']`, as `resourceId` spells them.
 */
export function nameSegments(name: string): string[] {
  const literal = (text: string) => formatArmNode({ kind: "string", value: text });
  if (!isArmExpression(name)) return name.split("/").map(literal);
  const node = parseArmExpression(name);
  const [pattern, ...args] = node.kind === "call" && node.name === "format" ? node.args : [];
  if (pattern?.kind !== "string" || !pattern.value.includes("/")) return [formatArmNode(node)];
  return pattern.value.split("/").map((piece) => {
    const placeholder = /^\{(\d+)\}$/.exec(piece);
    const arg = placeholder === null ? undefined : args[Number(placeholder[1])];
    if (arg !== undefined) return formatArmNode(arg);
    if (!piece.includes("{")) return literal(piece);
    throw new Error(`unsupported resource name segment '${piece}' in ${name}`);
  });
}

/** What a `resourceId([subscriptionId,] [resourceGroup,] type, name...)` call points at. */
export function resourceIdTarget(call: Call): ResourceKey | undefined {
  const typeIndex = call.args.findIndex((arg) => arg.kind === "string" && arg.value.includes("/"));
  const type = call.args[typeIndex];
  if (type?.kind !== "string" || typeIndex > 2) return undefined;
  const group = typeIndex >= 1 ? call.args[typeIndex - 1] : undefined;
  const subscription = typeIndex === 2 ? call.args[0] : undefined;
  return {
    subscriptionId: subscription === undefined ? "" : formatArmNode(subscription),
    resourceGroup: group === undefined ? "" : formatArmNode(group),
    type: type.value,
    segments: call.args.slice(typeIndex + 1).map(formatArmNode),
  };
}

function declaredKey(resource: ArmResource): ResourceKey {
  return {
    subscriptionId: canonical(resource.subscriptionId),
    resourceGroup: canonical(resource.resourceGroup),
    type: resource.type,
    segments: nameSegments(resource.name),
  };
}

/** A `resourceGroup` or `subscriptionId` property as `resourceId` would spell it; "" when absent. */
function canonical(value: string | undefined): string {
  if (value === undefined) return "";
  return isArmExpression(value) ? formatArmNode(parseArmExpression(value)) : `'${value}'`;
}

/**
 * Checks that every `dependsOn` entry of one template scope names a resource or copy loop declared in that
 * scope, and that every other `resourceId(...)` does too, unless it is one of `external` (canonical text of
 * the call, e.g. the existing workspace).
 */
export function checkDependencies(template: ArmTemplate, external: readonly string[] = []): ArmProblem[] {
  const problems: ArmProblem[] = [];
  const resources = template.resources ?? [];
  const declared = new Set<string>();
  const plainNames = new Set<string>();
  resources.forEach((resource, index) => {
    try {
      declared.add(keyText(declaredKey(resource)));
    } catch (error) {
      problems.push({ path: `resources[${index}].name`, message: (error as Error).message });
    }
    if (resource.copy !== undefined) plainNames.add(resource.copy.name);
    if (!isArmExpression(resource.name)) plainNames.add(resource.name);
  });
  const externals = new Set(external);

  const checkCall = (call: Call, path: string, inDependsOn: boolean): void => {
    const target = resourceIdTarget(call);
    if (target === undefined) {
      problems.push({
        path,
        message: `expected resourceId(..., '<type>', <name>...), got ${formatArmNode(call)}`,
      });
    } else if (!declared.has(keyText(target)) && (inDependsOn || !externals.has(formatArmNode(call)))) {
      problems.push({ path, message: `${formatArmNode(call)} names no resource declared in this template` });
    }
  };

  resources.forEach((resource, index) => {
    (resource.dependsOn ?? []).forEach((entry, entryIndex) => {
      const path = `resources[${index}].dependsOn[${entryIndex}]`;
      if (!isArmExpression(entry)) {
        if (!plainNames.has(entry))
          problems.push({ path, message: `'${entry}' names no resource or copy loop` });
        return;
      }
      const node = tryParseArmExpression(entry);
      if (node?.kind === "call" && node.name === "resourceId") checkCall(node, path, true);
      else problems.push({ path, message: `expected a resourceId(...) or a resource name, got ${entry}` });
    });
  });

  for (const { value, path } of templateStrings(template)) {
    if (!isArmExpression(value) || /\.dependsOn\[\d+\]$/.test(path)) continue;
    const node = tryParseArmExpression(value);
    for (const call of node === undefined ? [] : collectCalls(node)) {
      if (call.name === "resourceId") checkCall(call, path, false);
    }
  }
  return problems;
}
