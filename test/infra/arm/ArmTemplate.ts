import { readFileSync } from "node:fs";

/** A template parameter as ARM declares it. */
export interface ArmParameter {
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly allowedValues?: readonly unknown[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly metadata?: { readonly description?: string };
}

/** A template resource; `properties` stay untyped because every resource type has its own. */
export interface ArmResource {
  readonly type: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly kind?: string;
  readonly comments?: string;
  readonly location?: string;
  readonly scope?: string;
  readonly resourceGroup?: string;
  readonly subscriptionId?: string;
  readonly condition?: unknown;
  readonly dependsOn?: readonly string[];
  readonly copy?: { readonly name: string; readonly count: unknown };
  readonly sku?: Readonly<Record<string, unknown>>;
  readonly identity?: Readonly<Record<string, unknown>>;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** An ARM deployment template (`deploymentTemplate.json#` schema). */
export interface ArmTemplate {
  readonly $schema?: string;
  readonly contentVersion?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly parameters?: Readonly<Record<string, ArmParameter>>;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly resources?: readonly ArmResource[];
  readonly outputs?: Readonly<Record<string, { readonly type: string; readonly value?: unknown }>>;
}

/** A problem a template check found: where (a JSON path) and what was expected. */
export interface ArmProblem {
  readonly path: string;
  readonly message: string;
}

/** A string of a template and where it is; object keys are included, since ARM evaluates them too. */
export interface TemplateString {
  readonly value: string;
  readonly path: string;
}

/** A nested deployment whose template is evaluated in its own ("inner") scope, and that template. */
export interface InnerTemplate {
  readonly path: string;
  readonly deployment: ArmResource;
  readonly template: ArmTemplate;
}

/** Reads a JSON file of the repository (`infra/azuredeploy.json`), relative to the repository root. */
export function readRepoJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../../../${relativePath}`, import.meta.url), "utf8")) as T;
}

/** Reads a text file of the repository, relative to the repository root. */
export function readRepoText(relativePath: string): string {
  return readFileSync(new URL(`../../../${relativePath}`, import.meta.url), "utf8");
}

/** True for a nested deployment whose template sees only its own parameters and variables. */
export function isInnerScopeDeployment(resource: ArmResource): boolean {
  const options = resource.properties?.["expressionEvaluationOptions"] as { scope?: string } | undefined;
  return resource.type === "Microsoft.Resources/deployments" && options?.scope?.toLowerCase() === "inner";
}

/** The inner-scope nested templates directly inside a template (not their own nested ones). */
export function innerTemplates(template: ArmTemplate): InnerTemplate[] {
  return (template.resources ?? []).flatMap((deployment, index) =>
    isInnerScopeDeployment(deployment) && typeof deployment.properties?.["template"] === "object"
      ? [
          {
            path: `resources[${index}].properties.template`,
            deployment,
            template: deployment.properties["template"] as ArmTemplate,
          },
        ]
      : [],
  );
}

/**
 * Every string in the template's own scope, with its path: values and object keys, but not the strings of an
 * inner-scope nested template, whose expressions refer to that template's own declarations.
 */
export function templateStrings(template: ArmTemplate): TemplateString[] {
  const skipped = new Set<unknown>(innerTemplates(template).map((inner) => inner.template));
  const found: TemplateString[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === "string") found.push({ value, path });
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`));
    else if (typeof value === "object" && value !== null && !skipped.has(value)) {
      for (const [key, item] of Object.entries(value)) {
        found.push({ value: key, path: `${path}{key}` });
        visit(item, path === "" ? key : `${path}.${key}`);
      }
    }
  };
  visit(template, "");
  return found;
}

/** The resources of a template and of all its nested templates, depth first. */
export function allResources(template: ArmTemplate): ArmResource[] {
  return (template.resources ?? []).flatMap((resource) => {
    const nested = resource.properties?.["template"] as ArmTemplate | undefined;
    return [resource, ...(nested === undefined ? [] : allResources(nested))];
  });
}

/** The only resource of a type in the template or its nested templates; throws when there is none or several. */
export function onlyResource(template: ArmTemplate, type: string): ArmResource {
  const matches = allResources(template).filter(
    (resource) => resource.type.toLowerCase() === type.toLowerCase(),
  );
  if (matches.length !== 1) throw new Error(`expected exactly one ${type} resource, found ${matches.length}`);
  return matches[0]!;
}

/** Follows a property path (`"siteConfig", "appSettings"`) through plain objects and arrays. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (current, key) =>
      typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined,
    value,
  );
}

/** Every object in a value (the value itself included), at any depth and in every template scope. */
export function allObjects(value: unknown): Readonly<Record<string, unknown>>[] {
  if (Array.isArray(value)) return value.flatMap(allObjects);
  if (typeof value !== "object" || value === null) return [];
  return [value as Record<string, unknown>, ...Object.values(value).flatMap(allObjects)];
}
