import type { ValidationResult } from "../../../program/validate.js";
import { painter, plural } from "../../terminal.js";

/**
 * `file:line:col  severity  rule  message`, one a line; then the suppressed ones, each with its
 * reason; then a summary line.
 */
export function formatText(
  result: Pick<ValidationResult, "diagnostics" | "files" | "documents"> &
    Partial<Pick<ValidationResult, "suppressed">>,
  options: { color: boolean },
): string {
  const paint = painter(options.color);
  const lines = result.diagnostics.map((d) => {
    const where = `${d.file}:${d.line}:${d.column}`;
    const severity = d.severity === "error" ? paint("red", "error  ") : paint("yellow", "warning");
    return `${paint("bold", where)}  ${severity}  ${paint("dim", d.rule)}  ${d.message}`;
  });
  const suppressed = result.suppressed ?? [];
  if (suppressed.length > 0) {
    if (lines.length > 0) lines.push("");
    for (const d of suppressed) {
      const where = `${d.file}:${d.line}:${d.column}`;
      lines.push(
        `${paint("bold", where)}  ${paint("dim", "suppressed")}  ${paint("dim", d.rule)}  ${d.message} ${paint("dim", `(${d.justification})`)}`,
      );
    }
  }
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const scope = `${plural(result.files.length, "file")}, ${plural(result.documents, "document")}`;
  const quiet = suppressed.length ? ` (${suppressed.length} suppressed)` : "";
  if (result.diagnostics.length === 0) {
    lines.push(paint("green", `✔ ${scope}: no problems${quiet}`));
  } else {
    const summary = `${errors ? "✖" : "⚠"} ${plural(errors, "error")}, ${plural(warnings, "warning")} in ${scope}${quiet}`;
    lines.push("", paint(errors ? "red" : "yellow", summary));
  }
  return `${lines.join("\n")}\n`;
}
