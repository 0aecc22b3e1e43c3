import type { ValidationResult } from "../../../program/validate.js";

const ANSI = {
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  green: "\x1b[32m",
  reset: "\x1b[0m",
};

/** `file:line:col  severity  rule  message`, one a line, then a summary line. */
export function formatText(
  result: Pick<ValidationResult, "diagnostics" | "files" | "documents">,
  options: { color: boolean },
): string {
  const paint = (code: string, text: string) =>
    options.color ? `${code}${text}${ANSI.reset}` : text;
  const lines = result.diagnostics.map((d) => {
    const where = `${d.file}:${d.line}:${d.column}`;
    const severity =
      d.severity === "error" ? paint(ANSI.red, "error  ") : paint(ANSI.yellow, "warning");
    return `${paint(ANSI.bold, where)}  ${severity}  ${paint(ANSI.dim, d.rule)}  ${d.message}`;
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const scope = `${plural(result.files.length, "file")}, ${plural(result.documents, "document")}`;
  if (result.diagnostics.length === 0) {
    lines.push(paint(ANSI.green, `✔ ${scope}: no problems`));
  } else {
    const summary = `${errors ? "✖" : "⚠"} ${plural(errors, "error")}, ${plural(warnings, "warning")} in ${scope}`;
    lines.push("", paint(errors ? ANSI.red : ANSI.yellow, summary));
  }
  return `${lines.join("\n")}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
