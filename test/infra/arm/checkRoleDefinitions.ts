import type { ArmProblem, ArmTemplate } from "./ArmTemplate.js";
import { allObjects } from "./ArmTemplate.js";
import { BUILT_IN_ROLES } from "./builtInRoles.js";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Checks every `roleDefinitionId` in the template and its nested templates: each role id it spells out is a
 * known built-in role, and where the same object names the role (`role` or `roleName`), the name is that
 * role's, so a description can never say one role while the id grants another.
 */
export function checkRoleDefinitions(template: ArmTemplate): ArmProblem[] {
  const problems: ArmProblem[] = [];
  for (const object of allObjects(template)) {
    const id = object["roleDefinitionId"];
    if (typeof id !== "string") continue;
    const named = object["role"] ?? object["roleName"];
    for (const guid of id.match(GUID) ?? []) {
      const role = BUILT_IN_ROLES[guid.toLowerCase()];
      const path = `roleDefinitionId ${guid}`;
      if (role === undefined)
        problems.push({ path, message: `${guid} is not one of the expected built-in roles` });
      else if (typeof named === "string" && named !== role) {
        problems.push({
          path,
          message: `${guid} is the built-in role '${role}', but is described as '${named}'`,
        });
      }
    }
  }
  return problems;
}
