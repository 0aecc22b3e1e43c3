import type { Diagnostic } from "../../../program/diagnostics.js";
import type { ValidationResult } from "../../../program/validate.js";
import { plural } from "../../terminal.js";

/**
 * How many annotations of one severity GitHub shows per step; it drops the rest silently
 * (docs.github.com, "Workflow commands for GitHub Actions": 10 errors, 10 warnings and 10 notices
 * per step, 50 per job).
 */
export const ANNOTATIONS_PER_SEVERITY = 10;

/**
 * GitHub workflow commands, so each diagnostic lands on the pull request's line. The first 10 of
 * each severity become annotations; the rest are printed as plain lines, so they stay in the
 * step's log, and a notice says how many were not annotated and where the full list is.
 */
export function formatGithub(
  result: Pick<ValidationResult, "diagnostics">,
  pathOf: (file: string) => string,
): string {
  const limit = ANNOTATIONS_PER_SEVERITY;
  const shown = new Map<string, number>();
  const annotated: string[] = [];
  const rest: Diagnostic[] = [];
  for (const d of result.diagnostics) {
    const n = shown.get(d.severity) ?? 0;
    if (n < limit) {
      shown.set(d.severity, n + 1);
      annotated.push(annotation(d, pathOf));
    } else {
      rest.push(d);
    }
  }
  if (rest.length === 0) return annotated.join("");
  const errors = rest.filter((d) => d.severity === "error").length;
  const counts = [
    ...(errors ? [plural(errors, "error")] : []),
    ...(rest.length - errors ? [plural(rest.length - errors, "warning")] : []),
  ].join(" and ");
  const notice =
    `${counts} not shown as annotations: GitHub shows ${limit} per severity in a step. ` +
    "The full list is below in this step's log, and in code scanning where the SARIF output " +
    "(vaultpilot validate --format sarif) is uploaded.";
  return [
    ...annotated,
    `::notice title=${escapeProperty("vaultpilot: more problems than annotations")}::${escapeData(notice)}\n`,
    ...rest.map(
      (d) => `${pathOf(d.file)}:${d.line}:${d.column}  ${d.severity}  ${d.rule}  ${d.message}\n`,
    ),
  ].join("");
}

function annotation(d: Diagnostic, pathOf: (file: string) => string): string {
  const properties = [
    `file=${escapeProperty(pathOf(d.file))}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `title=${escapeProperty(`vaultpilot ${d.rule}`)}`,
  ].join(",");
  return `::${d.severity} ${properties}::${escapeData(d.message)}\n`;
}

/** As @actions/core escapes command data. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** As @actions/core escapes command properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
