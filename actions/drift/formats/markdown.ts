import type { Finding } from "../checks.js";
import type { DriftResult } from "../result.js";
import { plural } from "../../terminal.js";

/** GitHub refuses an issue body over 65,536 characters; leave room for the marker. */
export const MARKDOWN_LIMIT = 60_000;

/**
 * The body of a drift issue and of the job summary: a summary line, a count per check, then
 * one table row per finding, cut to `limit` characters with a line saying how many were left out.
 */
export function formatMarkdown(result: DriftResult, options: { limit?: number } = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const s = result.summary;
  const title = s.stack ? `Drift in stack \`${s.stack}\`` : "Drift";
  const scope = `${plural(s.tenants, "tenant")}, ${plural(s.secrets, "secret")}, ${plural(s.accounts, "account")}, checked ${s.at}${s.deep ? " (deep)" : ""}`;
  if (s.findings === 0) return `## ${title}: none\n\nNo drift: ${scope}.\n`;
  const head = [
    `## ${title}: ${plural(s.findings, "finding")} (${plural(s.errors, "error")}, ${plural(s.warnings, "warning")})`,
    "",
    `${scope}.`,
    "",
    "| check | findings |",
    "| --- | ---: |",
    ...Object.entries(s.checks).map(([check, n]) => `| \`${check}\` | ${n} |`),
    "",
    "| severity | tenant | resource | check | expected | found |",
    "| --- | --- | --- | --- | --- | --- |",
  ].join("\n");
  let body = `${head}\n`;
  let shown = 0;
  for (const f of result.findings) {
    const row = `${rowOf(f)}\n`;
    // Keep room for the closing line.
    if (body.length + row.length > limit - 200) break;
    body += row;
    shown++;
  }
  if (shown < result.findings.length) {
    body += `\n${plural(result.findings.length - shown, "more finding")} not shown: see the workflow's drift.json artifact.\n`;
  }
  return body;
}

function rowOf(f: Finding): string {
  return `| ${f.severity} | ${cell(f.tenant)} | \`${cell(f.resource)}\` | \`${f.check}\` | ${cell(f.expected)} | ${cell(f.actual)} |`;
}

/** Table cells: no pipes or newlines, no HTML or mentions from names found in the cloud. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b");
}
