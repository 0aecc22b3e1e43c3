import { CHECKS, type CheckId, type Finding } from "./checks.js";

export interface DriftSummary {
  readonly stack: string | null;
  readonly tenants: number;
  readonly secrets: number;
  readonly accounts: number;
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  /** Findings per check, only the checks that found something. */
  readonly checks: Partial<Record<CheckId, number>>;
  readonly deep: boolean;
  /** The time the checks were evaluated at (ISO 8601). */
  readonly at: string;
}

export interface DriftResult {
  readonly findings: readonly Finding[];
  readonly summary: DriftSummary;
}

/** Where a finding points in the policies, for SARIF; undefined for a secret no policy declares. */
export type Locate = (
  finding: Finding,
) => { readonly file: string; readonly line: number; readonly column: number } | undefined;

export function summarize(
  findings: readonly Finding[],
  scope: Omit<DriftSummary, "findings" | "errors" | "warnings" | "checks">,
): DriftSummary {
  const checks: Partial<Record<CheckId, number>> = {};
  for (const id of Object.keys(CHECKS) as CheckId[]) {
    const n = findings.filter((f) => f.check === id).length;
    if (n) checks[id] = n;
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    stack: scope.stack,
    tenants: scope.tenants,
    secrets: scope.secrets,
    accounts: scope.accounts,
    findings: findings.length,
    errors,
    warnings: findings.length - errors,
    checks,
    deep: scope.deep,
    at: scope.at,
  };
}

/** Tenant, then resource, then the order of CHECKS: the same findings always print the same. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const order = Object.keys(CHECKS);
  return [...findings].sort(
    (a, b) =>
      a.tenant.localeCompare(b.tenant) ||
      a.resource.localeCompare(b.resource) ||
      order.indexOf(a.check) - order.indexOf(b.check),
  );
}
