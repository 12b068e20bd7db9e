import type { ArmProblem, ArmTemplate, InnerTemplate } from "./ArmTemplate.js";
import { innerTemplates } from "./ArmTemplate.js";
import { checkDependencies } from "./checkDependencies.js";
import { checkReferences } from "./checkReferences.js";
import { checkRoleDefinitions } from "./checkRoleDefinitions.js";
import { checkSecrets } from "./checkSecrets.js";

/** What the structural checks may take as given about a template. */
export interface CheckTemplateOptions {
  /** `resourceId(...)` calls (canonical text) of existing resources the template uses but does not create. */
  readonly externalResources?: readonly string[];
  /** App settings exempt from the secret-looking name/value rule, each for a stated reason. */
  readonly allowedSettings?: readonly string[];
}

function checkNestedParameters({ path, deployment, template }: InnerTemplate): ArmProblem[] {
  const passed = Object.keys((deployment.properties?.["parameters"] as object | undefined) ?? {});
  const declared = template.parameters ?? {};
  const unknown = passed
    .filter((name) => !Object.hasOwn(declared, name))
    .map((name) => ({
      path,
      message: `passes parameter '${name}', which the nested template does not declare`,
    }));
  const missing = Object.entries(declared)
    .filter(([name, parameter]) => parameter.defaultValue === undefined && !passed.includes(name))
    .map(([name]) => ({
      path,
      message: `does not pass required parameter '${name}' of the nested template`,
    }));
  return [...unknown, ...missing];
}

function checkScope(template: ArmTemplate, options: CheckTemplateOptions, prefix: string): ArmProblem[] {
  const here = [...checkReferences(template), ...checkDependencies(template, options.externalResources)].map(
    (problem) => ({ ...problem, path: `${prefix}${problem.path}` }),
  );
  const nested = innerTemplates(template).flatMap((inner) => [
    ...checkNestedParameters(inner).map((problem) => ({ ...problem, path: `${prefix}${problem.path}` })),
    ...checkScope(inner.template, options, `${prefix}${inner.path}.`),
  ]);
  return [...here, ...nested];
}

/**
 * Runs every structural check on a template and, scope by scope, on its inner-scope nested templates:
 * declarations and their use ({@link checkReferences}), `dependsOn`/`resourceId` targets
 * ({@link checkDependencies}), parameters passed to nested templates, built-in role ids
 * ({@link checkRoleDefinitions}) and secrets ({@link checkSecrets}). An empty list means it passed.
 */
export function checkTemplate(template: ArmTemplate, options: CheckTemplateOptions = {}): ArmProblem[] {
  return [
    ...checkScope(template, options, ""),
    ...checkRoleDefinitions(template),
    ...checkSecrets(template, options.allowedSettings),
  ];
}
