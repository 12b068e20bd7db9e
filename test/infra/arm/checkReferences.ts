import type { ArmProblem, ArmTemplate } from "./ArmTemplate.js";
import { templateStrings } from "./ArmTemplate.js";
import {
  ArmExpressionError,
  collectCalls,
  isArmExpression,
  parseArmExpression,
} from "./parseArmExpression.js";

const DECLARATIONS = { parameters: "parameter", variables: "variable" } as const;

/**
 * Checks one template scope's declarations against their use: every expression parses, every
 * `parameters('x')` / `variables('x')` names a declared one (same spelling), every declared parameter and
 * variable is used, and every parameter has a description.
 */
export function checkReferences(template: ArmTemplate): ArmProblem[] {
  const problems: ArmProblem[] = [];
  const used = { parameters: new Set<string>(), variables: new Set<string>() };

  for (const { value, path } of templateStrings(template)) {
    if (!isArmExpression(value)) continue;
    let calls;
    try {
      calls = collectCalls(parseArmExpression(value));
    } catch (error) {
      if (!(error instanceof ArmExpressionError)) throw error;
      problems.push({ path, message: error.message });
      continue;
    }
    for (const call of calls) {
      if (call.name !== "parameters" && call.name !== "variables") continue;
      const [nameArg] = call.args;
      if (call.args.length !== 1 || nameArg?.kind !== "string") {
        problems.push({
          path,
          message: `expected ${call.name}('<name>') with one literal name, in ${value}`,
        });
        continue;
      }
      const declared = template[call.name] ?? {};
      if (!Object.hasOwn(declared, nameArg.value)) {
        problems.push({
          path,
          message: `${call.name}('${nameArg.value}') refers to no declared ${DECLARATIONS[call.name]}`,
        });
      }
      used[call.name].add(nameArg.value);
    }
  }

  for (const kind of ["parameters", "variables"] as const) {
    for (const name of Object.keys(template[kind] ?? {})) {
      if (!used[kind].has(name)) {
        problems.push({
          path: `${kind}.${name}`,
          message: `${DECLARATIONS[kind]} '${name}' is declared but never used`,
        });
      }
    }
  }

  for (const [name, parameter] of Object.entries(template.parameters ?? {})) {
    if ((parameter.metadata?.description ?? "").trim() === "") {
      problems.push({
        path: `parameters.${name}`,
        message: `parameter '${name}' has no metadata.description`,
      });
    }
  }
  return problems;
}
