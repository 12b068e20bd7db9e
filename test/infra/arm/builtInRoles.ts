/**
 * The Azure built-in roles this deployment may assign, by role definition id (Azure RBAC "built-in roles"
 * reference). A role id outside this list, or a role named differently from its id, fails the template checks.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  "73c42c96-874c-492b-b04d-ab87d138a893": "Log Analytics Reader",
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
  "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
};
