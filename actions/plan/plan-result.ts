import type { ResourceChanges } from "./diff.js";
import type { Impact } from "./impact.js";
import type { ProgramRun } from "./resources.js";
import { describeGuardrailMode, type GuardrailMode } from "../../cloud/aws/guardrails-policy.js";

/**
 * full: the program ran for every tenant of the stack (`reason` says why); incremental: only for
 * the tenants whose policies (or schedules they use) differ from the base, and `unchanged` lists
 * the stack's other tenants, whose resources are the same by construction.
 */
export interface PlanScopeSummary {
  readonly mode: "full" | "incremental";
  readonly reason?: string;
  /** Tenants the program ran for (on either side). */
  readonly planned: number;
  readonly unchanged: readonly string[];
}

/** What `vaultpilot plan` computed; each format module turns it into text. */
export interface PlanResult {
  readonly stack: string;
  /** The git ref compared against; absent when planning from nothing. */
  readonly base?: string;
  /** How much was planned. */
  readonly scope: PlanScopeSummary;
  readonly head: ProgramRun;
  readonly changes: ResourceChanges;
  readonly impact: Impact;
  /** How the head's stack enforces the guardrails (`vaultpilot:organizationRoleArn` or the IAM fallback). */
  readonly guardrails: GuardrailMode;
}

export function summaryLine(result: PlanResult): string {
  const { create, update, delete: remove } = result.changes;
  const against = result.base ? ` against ${result.base}` : "";
  const replaced = update.filter((u) => u.replaces).length;
  const counts =
    `${create.length} to create, ${update.length} to update` +
    (replaced ? ` (${replaced} replaced)` : "") +
    `, ${remove.length} to delete`;
  const tenants = result.impact.tenants.length
    ? `; tenants touched: ${result.impact.tenants.join(", ")}`
    : "";
  const none = create.length + update.length + remove.length === 0 ? "no changes" : counts;
  const skipped = result.scope.unchanged.length;
  const rest = skipped
    ? `; ${skipped.toLocaleString("en-US")} other tenant${skipped === 1 ? "" : "s"} unchanged (not planned)`
    : "";
  return `VaultPilot plan for stack ${result.stack}${against}: ${none}${tenants}${rest}; ${describeGuardrailMode(result.guardrails)}`;
}

/** A value on one line, for diffs. */
export function show(value: unknown): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}
