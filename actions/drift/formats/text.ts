import type { DriftResult } from "../result.js";

const ANSI = {
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  green: "\x1b[32m",
  dim: "\x1b[2m",
  reset: "\x1b[0m",
};

/** One finding a line (`severity  tenant  resource  check  expected …, found …`), then a summary line. */
export function formatText(result: DriftResult, options: { color: boolean }): string {
  const paint = (code: string, text: string) =>
    options.color ? `${code}${text}${ANSI.reset}` : text;
  const lines = result.findings.map((f) => {
    const severity =
      f.severity === "error" ? paint(ANSI.red, "error  ") : paint(ANSI.yellow, "warning");
    return `${severity}  ${f.tenant}  ${f.resource}  ${paint(ANSI.dim, f.check)}  expected ${f.expected}; found ${f.actual}`;
  });
  const s = result.summary;
  const scope = `${plural(s.tenants, "tenant")}, ${plural(s.secrets, "secret")}, ${plural(s.accounts, "account")}${s.stack ? ` (stack ${s.stack})` : ""}`;
  if (s.findings === 0) {
    lines.push(paint(ANSI.green, `✔ no drift: ${scope}`));
  } else {
    lines.push(
      "",
      paint(
        s.errors ? ANSI.red : ANSI.yellow,
        `✖ drift: ${plural(s.findings, "finding")} (${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}) in ${scope}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
