import { hasErrors } from "../../program/diagnostics.js";
import type { PolicyModel, Tenant } from "../../program/model.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, type CliIO } from "../io.js";
import { useColor } from "../terminal.js";
import { policyDirectory } from "../policy-directory.js";
import { formatText } from "./formats/text.js";

export interface TenantSummary {
  readonly tenant: string;
  readonly plan: string;
  readonly secrets: number;
  readonly secretLimit: number;
  readonly services: number;
  readonly rotationsPerMonth: number;
  readonly rotationLimit: number;
}

export function summarizeTenants(model: PolicyModel): TenantSummary[] {
  return model.tenants.map((tenant: Tenant) => ({
    tenant: tenant.name,
    plan: tenant.plan,
    secrets: tenant.secrets.length,
    secretLimit: tenant.limits.secrets,
    services: tenant.services.length,
    rotationsPerMonth: tenant.rotationsPerMonth,
    rotationLimit: tenant.limits.rotationsPerMonth,
  }));
}

/** A fixed-width table: tenant, plan, used / limit, and what is left of the plan. */
export function formatTenantSummary(rows: readonly TenantSummary[]): string {
  const limit = (n: number) => (Number.isFinite(n) ? String(n) : "∞");
  const table = [
    ["tenant", "plan", "secrets", "services", "rotations/month", "headroom"],
    ...rows.map((r) => [
      r.tenant,
      r.plan,
      `${r.secrets} / ${limit(r.secretLimit)}`,
      String(r.services),
      `${r.rotationsPerMonth.toFixed(1)} / ${limit(r.rotationLimit)}`,
      Number.isFinite(r.secretLimit)
        ? `${r.secretLimit - r.secrets} secrets, ${(r.rotationLimit - r.rotationsPerMonth).toFixed(1)} rotations`
        : "unlimited",
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

export function summaryCommand(dir: string, io: CliIO): number {
  const root = policyDirectory(io.cwd, dir);
  const result = validatePolicies(root);
  const color = useColor(io);
  if (hasErrors(result.diagnostics) || !result.model) {
    io.stdout(formatText(result, { color }));
    return EXIT.findings;
  }
  if (result.diagnostics.length) io.stdout(`${formatText(result, { color })}\n`);
  io.stdout(formatTenantSummary(summarizeTenants(result.model)));
  const secrets = result.model.tenants.reduce((n, t) => n + t.secrets.length, 0);
  io.stdout(
    `\n${result.model.tenants.length} tenants, ${secrets} secrets, ${result.model.schedules.length} schedules: policies are valid\n`,
  );
  return EXIT.clean;
}
