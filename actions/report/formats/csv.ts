import type { FrameworkId } from "../catalog.js";
import { CATALOGS } from "../catalog.js";
import type { Report, ReportResult } from "../result.js";

/**
 * Prowler's compliance CSV layout (semicolon-separated, upper-case headers, one row per
 * requirement and resource: PROVIDER, DESCRIPTION, ACCOUNTID, REGION, ASSESSMENTDATE,
 * REQUIREMENTS_ID, REQUIREMENTS_DESCRIPTION, REQUIREMENTS_ATTRIBUTES_SECTION, STATUS,
 * STATUSEXTENDED, RESOURCEID, CHECKID, MUTED), with VaultPilot's tenant and evidence columns after.
 */
export const CSV_COLUMNS = [
  "PROVIDER",
  "DESCRIPTION",
  "ACCOUNTID",
  "REGION",
  "ASSESSMENTDATE",
  "REQUIREMENTS_ID",
  "REQUIREMENTS_DESCRIPTION",
  "REQUIREMENTS_ATTRIBUTES_SECTION",
  "STATUS",
  "STATUSEXTENDED",
  "RESOURCEID",
  "CHECKID",
  "MUTED",
  "TENANT",
  "EVIDENCE_KIND",
  "EVIDENCE_SOURCE",
  "EVIDENCE_COMMIT",
  "EVIDENCE_AUTHOR",
  "EVIDENCE_DATE",
  "EVIDENCE_PULL_REQUEST",
] as const;

/** A field quoted when it holds the separator, a quote or a line break (RFC 4180 rules, `;` separator). */
export function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function row(report: Report, r: ReportResult): string[] {
  const control = CATALOGS[r.framework].controls.find((c) => c.id === r.control);
  const where = report.summary.accounts[r.tenant];
  const change = r.evidence.change;
  const commit = change && "commit" in change ? change : undefined;
  return [
    "aws",
    control?.summary ?? "",
    where?.account ?? "",
    where?.region ?? "",
    r.evidence.observedAt,
    r.control,
    control?.title ?? "",
    control?.reference ?? "",
    r.status.toUpperCase(),
    r.evidence.attach ? `${r.observed}: ${r.evidence.attach}` : r.observed,
    r.resource,
    r.check,
    "False",
    r.tenant,
    r.evidence.kind,
    r.evidence.source ?? "",
    commit?.commit ?? (change && "unavailable" in change ? change.unavailable : ""),
    commit?.author ?? "",
    commit?.date ?? "",
    commit?.pullRequest !== undefined ? `#${commit.pullRequest}` : "",
  ];
}

/** One framework's results, one row each. */
export function formatCsv(report: Report, framework: FrameworkId): string {
  const lines = [CSV_COLUMNS.join(";")];
  for (const r of report.results) {
    if (r.framework === framework) lines.push(row(report, r).map(csvField).join(";"));
  }
  return `${lines.join("\r\n")}\r\n`;
}
