import type { ValidationResult } from "../../../program/validate.js";
import { painter, plural } from "../../terminal.js";

/** `file:line:col  severity  rule  message`, one a line, then a summary line. */
export function formatText(
  result: Pick<ValidationResult, "diagnostics" | "files" | "documents">,
  options: { color: boolean },
): string {
  const paint = painter(options.color);
  const lines = result.diagnostics.map((d) => {
    const where = `${d.file}:${d.line}:${d.column}`;
    const severity = d.severity === "error" ? paint("red", "error  ") : paint("yellow", "warning");
    return `${paint("bold", where)}  ${severity}  ${paint("dim", d.rule)}  ${d.message}`;
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const scope = `${plural(result.files.length, "file")}, ${plural(result.documents, "document")}`;
  if (result.diagnostics.length === 0) {
    lines.push(paint("green", `✔ ${scope}: no problems`));
  } else {
    const summary = `${errors ? "✖" : "⚠"} ${plural(errors, "error")}, ${plural(warnings, "warning")} in ${scope}`;
    lines.push("", paint(errors ? "red" : "yellow", summary));
  }
  return `${lines.join("\n")}\n`;
}
