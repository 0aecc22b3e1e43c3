import { painter, plural } from "../../terminal.js";
import type { DriftResult } from "../result.js";

/** One finding a line (`severity  tenant  resource  check  expected …, found …`), then a summary line. */
export function formatText(result: DriftResult, options: { color: boolean }): string {
  const paint = painter(options.color);
  const lines = result.findings.map((f) => {
    const severity = f.severity === "error" ? paint("red", "error  ") : paint("yellow", "warning");
    return `${severity}  ${f.tenant}  ${f.resource}  ${paint("dim", f.check)}  expected ${f.expected}; found ${f.actual}`;
  });
  const s = result.summary;
  const scope = `${plural(s.tenants, "tenant")}, ${plural(s.secrets, "secret")}, ${plural(s.accounts, "account")}${s.stack ? ` (stack ${s.stack})` : ""}`;
  if (s.findings === 0) {
    lines.push(paint("green", `✔ no drift: ${scope}`));
  } else {
    lines.push(
      "",
      paint(
        s.errors ? "red" : "yellow",
        `✖ drift: ${plural(s.findings, "finding")} (${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}) in ${scope}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
