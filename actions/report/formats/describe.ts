import type { Change } from "../evidence.js";
import type { ControlStatus, ReportResult } from "../result.js";

/** Status words as every format shows them. */
export const STATUS_LABEL: Readonly<Record<ControlStatus, string>> = {
  pass: "pass",
  fail: "fail",
  manual: "manual",
  error: "error",
  "not-run": "not run",
};

/** `abc1234 by Ann on 2026-01-02 (#12)`, or why there is no change. */
export function describeChange(change: Change | undefined): string {
  if (!change) return "";
  if ("unavailable" in change) return change.unavailable;
  const pr = change.pullRequest !== undefined ? ` (#${change.pullRequest})` : "";
  return `${change.commit.slice(0, 7)} by ${change.author} on ${change.date.slice(0, 10)}${pr}`;
}

/** The evidence of a result in one line. */
export function describeEvidence(result: ReportResult): string {
  const e = result.evidence;
  if (e.attach) return `attach: ${e.attach}`;
  const parts = [`${e.kind}, observed ${e.observedAt}`];
  if (e.source) parts.push(e.source);
  const change = describeChange(e.change);
  if (change) parts.push(change);
  return parts.join("; ");
}
