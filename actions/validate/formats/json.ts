import { hasErrors } from "../../../program/diagnostics.js";
import type { ValidationResult } from "../../../program/validate.js";

/** Exactly the contract in DESIGN.md: nothing more, in this key order. */
export function formatJson(result: Pick<ValidationResult, "diagnostics">): string {
  const output = {
    ok: !hasErrors(result.diagnostics),
    diagnostics: result.diagnostics.map(({ file, line, column, severity, rule, message }) => ({
      file,
      line,
      column,
      severity,
      rule,
      message,
    })),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
