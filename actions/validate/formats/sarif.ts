import type { ValidationResult } from "../../../program/validate.js";
import {
  DOCUMENT_RULES,
  LOADER_RULES,
  META_RULES,
  POLICY_RULES,
} from "../../../program/validate.js";
import { formatSarifLog, type SarifRule } from "../../sarif.js";

const INFORMATION_URI = "https://vaultpilot.dev/docs/rules";

/** Every rule VaultPilot can report, so code scanning shows help even for rules not hit. */
export function validateRules(): SarifRule[] {
  return [...LOADER_RULES, ...DOCUMENT_RULES, ...POLICY_RULES, ...META_RULES].map((rule) => ({
    id: rule.id,
    description: rule.description,
    help: "Each diagnostic's message says what to change.",
    level: rule.severity,
  }));
}

/**
 * SARIF 2.1.0 for GitHub code scanning: always a results array, paths from the repository root.
 * Suppressed diagnostics are results too, with `suppressions: [{kind: "inSource", justification}]`
 * (SARIF 2.1.0 §3.27.23, §3.35), which code scanning shows as dismissed.
 */
export function formatSarif(
  result: Pick<ValidationResult, "diagnostics"> & Partial<Pick<ValidationResult, "suppressed">>,
  pathOf: (file: string) => string,
): string {
  const all = [
    ...result.diagnostics.map((d) => ({ ...d, justification: undefined })),
    ...(result.suppressed ?? []),
  ];
  return formatSarifLog({
    tool: "VaultPilot",
    informationUri: INFORMATION_URI,
    category: "vaultpilot/validate/",
    rules: validateRules(),
    findings: all.map((d) => ({
      rule: d.rule,
      level: d.severity,
      message: d.message,
      place: { file: pathOf(d.file), line: d.line, column: d.column },
      ...(d.related && {
        related: d.related.map((r) => ({
          file: pathOf(r.file),
          line: r.line,
          column: r.column,
          message: r.message,
        })),
      }),
      ...(d.justification !== undefined && { suppressions: [{ justification: d.justification }] }),
    })),
  });
}
