import type { ValidationResult } from "../../../program/validate.js";

/**
 * GitHub workflow commands, so each diagnostic lands on the pull request's line. GitHub shows
 * at most 10 of each severity per step; the SARIF upload carries the full list.
 */
export function formatGithub(
  result: Pick<ValidationResult, "diagnostics">,
  pathOf: (file: string) => string,
): string {
  return result.diagnostics
    .map((d) => {
      const properties = [
        `file=${escapeProperty(pathOf(d.file))}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `title=${escapeProperty(`vaultpilot ${d.rule}`)}`,
      ].join(",");
      return `::${d.severity} ${properties}::${escapeData(d.message)}\n`;
    })
    .join("");
}

/** As @actions/core escapes command data. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** As @actions/core escapes command properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
