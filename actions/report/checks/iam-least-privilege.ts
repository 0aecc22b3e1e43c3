import type { Check, Observation } from "./check.js";
import { policyLine } from "./check.js";
import { planIndex, text, TYPE } from "./plan-index.js";

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

/** Actions that read secrets with a key: on every key they break tenant isolation (Security Hub KMS.2). */
const DECRYPT = /^kms:(Decrypt|ReEncrypt\*?|ReEncryptFrom)$/i;

/** The tenant names a resource string points at: `vaultpilot/<t>/`, `vaultpilot.<t>.`, `vaultpilot_<t>_`, `alias/vaultpilot/<t>`. */
function tenantsNamed(resource: string): string[] {
  const found: string[] = [];
  for (const match of resource.matchAll(
    /vaultpilot[/._]([a-z][a-z0-9-]{1,30}[a-z0-9])(?=[/._]|$)/g,
  )) {
    found.push(match[1]!);
  }
  return found;
}

/** What is wrong with one policy document of `tenant`: wildcard actions, decrypt on every key, another tenant's resources. */
export function statementProblems(
  document: string,
  tenant: string,
  tenants: ReadonlySet<string>,
  foreignKeys: ReadonlyMap<string, string>,
): string[] {
  let parsed: { Statement?: Statement | readonly Statement[] };
  try {
    parsed = JSON.parse(document) as typeof parsed;
  } catch {
    return ["the policy is not JSON"];
  }
  const statements =
    parsed.Statement === undefined
      ? []
      : Array.isArray(parsed.Statement)
        ? parsed.Statement
        : [parsed.Statement as Statement];
  const problems: string[] = [];
  for (const statement of statements as readonly Statement[]) {
    if (statement.Effect !== "Allow") continue;
    const actions = list(statement.Action);
    const resources = list(statement.Resource);
    for (const action of actions)
      if (action.includes("*")) problems.push(`wildcard action "${action}"`);
    if (resources.includes("*")) {
      for (const action of actions)
        if (DECRYPT.test(action)) problems.push(`"${action}" on every key (Resource "*")`);
    }
    for (const resource of resources) {
      const other = tenantsNamed(resource).find((name) => name !== tenant && tenants.has(name));
      const keyOwner = [...foreignKeys].find(([keyId]) => resource.endsWith(`:key/${keyId}`))?.[1];
      if (other) problems.push(`resource of tenant "${other}": ${resource}`);
      else if (keyOwner && keyOwner !== tenant)
        problems.push(`key of tenant "${keyOwner}": ${resource}`);
    }
  }
  return problems;
}

/**
 * Static: no Allow statement in the IAM policies the plan gives a tenant's roles grants a wildcard
 * action, decryption with every key, or a resource of another tenant.
 */
export const iamLeastPrivilege: Check = {
  id: "iam-least-privilege",
  kind: "static",
  description:
    "No IAM statement of a tenant's roles allows a wildcard action, decryption with every key, or another tenant's resources.",
  evaluate(context) {
    const plan = planIndex(context.plan);
    const tenants = new Set(context.model.tenants.map((t) => t.name));
    const keys = new Map<string, string>();
    for (const tenant of context.tenants) {
      const keyId = text(plan.ofTenant(tenant.name, TYPE.alias)[0]?.inputs.targetKeyId);
      if (keyId) keys.set(keyId, tenant.name);
    }
    const results: Observation[] = [];
    for (const tenant of context.tenants) {
      const source = policyLine(context.root, tenant.source, ["metadata", "name"]);
      for (const policy of [
        ...plan.ofTenant(tenant.name, TYPE.rolePolicy),
        ...plan.ofTenant(tenant.name, TYPE.policy),
      ]) {
        const document = text(policy.inputs.policy);
        const role = text(policy.inputs.role);
        const name = `${role ? `${role} ` : ""}policy ${text(policy.inputs.name) ?? policy.name}`;
        const problems =
          document === undefined
            ? ["no policy document in the plan"]
            : statementProblems(document, tenant.name, tenants, keys);
        results.push({
          tenant: tenant.name,
          resource: name,
          status: problems.length === 0 ? "pass" : "fail",
          observed:
            problems.length === 0
              ? "named actions on the tenant's own resources only"
              : problems.join("; "),
          observedAt: context.at,
          source,
        });
      }
    }
    return results;
  },
};
