import { doc, validateText, yamlFile } from "./validate-text.js";
import type { ValidationResult } from "../../program/validate.js";

/**
 * A tenant "acme" (us-east-1, account 123456789012) whose spec ends with `extra` (YAML lines
 * indented under spec), alone in acme.yaml. Lines: the tenant's document takes lines 1-9 (1-10
 * with compliance); `extra` starts on the line after.
 */
export function tenantWith(extra: string, compliance: readonly string[] = []): ValidationResult {
  return validateText({ "acme.yaml": yamlFile(doc.tenant("acme", "pro", compliance) + extra) });
}

/** An entry point's YAML under spec.entryPoints, with `waf` lines given as they appear under it. */
export function entryPoint(options: {
  name?: string;
  kind?: string;
  arn?: string;
  waf?: string;
  throttling?: string;
}): string {
  const lines = [
    "  entryPoints:",
    `    - name: ${options.name ?? "public-api"}`,
    `      kind: ${options.kind ?? "rest-api"}`,
    `      arn: ${options.arn ?? "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"}`,
  ];
  if (options.waf !== undefined) lines.push("      waf:", ...indent(options.waf, 8));
  if (options.throttling !== undefined)
    lines.push("      throttling:", ...indent(options.throttling, 8));
  return lines.join("\n") + "\n";
}

const indent = (text: string, by: number) =>
  text
    .trim()
    .split("\n")
    .map((line) => " ".repeat(by) + line);
