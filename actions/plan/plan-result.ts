import type { ResourceChanges } from "./diff.js";
import type { Impact } from "./impact.js";
import type { ProgramRun } from "./resources.js";

/** What `vaultpilot plan` computed; each format module turns it into text. */
export interface PlanResult {
  readonly stack: string;
  /** The git ref compared against; absent when planning from nothing. */
  readonly base?: string;
  readonly head: ProgramRun;
  readonly changes: ResourceChanges;
  readonly impact: Impact;
}

export function summaryLine(result: PlanResult): string {
  const { create, update, delete: remove } = result.changes;
  const against = result.base ? ` against ${result.base}` : "";
  const counts = `${create.length} to create, ${update.length} to update, ${remove.length} to delete`;
  const tenants = result.impact.tenants.length
    ? `; tenants touched: ${result.impact.tenants.join(", ")}`
    : "";
  const none = create.length + update.length + remove.length === 0 ? "no changes" : counts;
  return `VaultPilot plan for stack ${result.stack}${against}: ${none}${tenants}`;
}

/** A value on one line, for diffs. */
export function show(value: unknown): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}
