import { resolve } from "node:path";
import { selectTenants } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import type { StacksFormat, StacksOptions } from "./options.js";
import { listStacks, readStackFile } from "./stack-files.js";

export interface StackRow {
  readonly stack: string;
  readonly region: string;
  readonly policyDir: string;
  readonly tenants: readonly string[];
}

/** Each stack with the tenants it owns; problems when a tenant has no stack or two. */
export function stackMatrix(project: string): { rows: StackRow[]; problems: string[] } {
  const rows: StackRow[] = [];
  const problems: string[] = [];
  const owners = new Map<string, string[]>();
  const allTenants = new Set<string>();
  for (const stack of listStacks(project)) {
    const settings = readStackFile(project, stack);
    const root = policyDirectory(project, settings.policyDir);
    const result = validatePolicies(root);
    if (!result.model) {
      problems.push(
        `stack ${stack}: the policies in ${settings.policyDir} do not validate; run \`vaultpilot validate\``,
      );
      continue;
    }
    const tenants = selectTenants(result.model, settings.tenants).map((t) => t.name);
    for (const t of result.model.tenants) allTenants.add(t.name);
    for (const t of tenants) owners.set(t, [...(owners.get(t) ?? []), stack]);
    rows.push({ stack, region: settings.region, policyDir: settings.policyDir, tenants });
  }
  for (const [tenant, stacks] of owners) {
    if (stacks.length > 1)
      problems.push(
        `tenant ${tenant} belongs to ${stacks.length} stacks (${stacks.join(", ")}): each tenant's resources must have one owner`,
      );
  }
  for (const tenant of allTenants) {
    if (!owners.has(tenant))
      problems.push(`tenant ${tenant} belongs to no stack: add it to a stack's vaultpilot:tenants`);
  }
  return { rows, problems };
}

/** stacks' formats by name: json is the `{"include": [...]}` a GitHub Actions matrix takes. */
export const STACKS_FORMATTERS: Readonly<
  Record<StacksFormat, (rows: readonly StackRow[]) => string>
> = {
  text: (rows) =>
    rows.map((r) => `${r.stack}\t${r.region}\t${r.tenants.join(" ") || "(no tenants)"}\n`).join(""),
  json: (rows) => `${JSON.stringify({ include: rows })}\n`,
};

export function stacksCommand(options: StacksOptions, io: CliIO): number {
  const { rows, problems } = stackMatrix(resolve(io.cwd, options.project));
  io.stdout(STACKS_FORMATTERS[options.format](rows));
  for (const p of problems) io.stderr(`vaultpilot: ${p}\n`);
  return problems.length ? EXIT.findings : EXIT.clean;
}
