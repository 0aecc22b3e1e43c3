import { join, relative } from "node:path";
import { validatePolicies, type ValidationResult } from "../../program/validate.js";
import { EXIT } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { repositoryConfig, withConfigDiagnostics } from "../repository-config.js";
import { VALIDATE_FORMATTERS } from "../validate/formats/index.js";
import { VALIDATE_FORMATS, type ValidateFormat } from "../validate/options.js";
import { InputError } from "./inputs.js";
import type { StepContext, StepResult } from "./step.js";

/** Rows of the job summary's table; the SARIF file and the report carry the full list. */
export const SUMMARY_ROWS = 200;

/**
 * validate, once: annotations on the log (with validate's notice when GitHub would drop some), the SARIF
 * file for code scanning, the report in the chosen format, the job summary and the counts.
 */
export function validateStep(context: StepContext): StepResult {
  const { inputs, cwd } = context;
  const repo = repositoryConfig(cwd, undefined);
  const root = policyDirectory(cwd, inputs.policies ?? repo.policies);
  const result = withConfigDiagnostics(
    validatePolicies(root, { rules: repo.config.rules }),
    repo,
    root,
  );
  const pathOf = (file: string) => relative(cwd, join(root, file)).split("\\").join("/");
  const render = (format: ValidateFormat) =>
    VALIDATE_FORMATTERS[format]({ result, color: false, pathOf });
  const format = inputs.format ?? "json";
  if (!(VALIDATE_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(
      `input "format" is "${format}"; validate writes ${VALIDATE_FORMATS.join(", ")}`,
    );
  }
  // The first 10 of each severity as annotations, then a notice and the rest as log lines.
  context.log(render("github"));
  const sarifFile = context.writeFile("validate.sarif", render("sarif"));
  const extension = { json: "json", text: "txt", github: "log", sarif: "sarif" } as const;
  const reportFile =
    format === "sarif"
      ? sarifFile
      : context.writeFile(
          `validate.${extension[format as ValidateFormat]}`,
          render(format as ValidateFormat),
        );
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  return {
    exitCode: errors > 0 ? EXIT.findings : EXIT.clean,
    errors,
    warnings,
    findings: result.diagnostics.length,
    sarifFile,
    reportFile,
    summary: validationSummary(result, pathOf),
    failure:
      errors > 0 ? `${errors} policy errors; see the annotations and the job summary` : undefined,
  };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** The job summary: the verdict, then a table of diagnostics (the first SUMMARY_ROWS). */
export function validationSummary(
  result: Pick<ValidationResult, "diagnostics" | "files" | "documents" | "suppressed">,
  pathOf: (file: string) => string,
): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const scope = `${result.files.length} files, ${result.documents} documents`;
  const verdict =
    errors > 0
      ? `❌ ${errors} errors, ${warnings} warnings`
      : warnings > 0
        ? `⚠️ ${warnings} warnings, no errors`
        : "✅ no problems";
  const lines = [`## VaultPilot validate: ${verdict}`, "", `Checked ${scope}.`];
  if (result.suppressed.length > 0) {
    lines.push(
      "",
      `${result.suppressed.length} suppressed by \`# vaultpilot:ignore\` (listed with their reasons in the SARIF file).`,
    );
  }
  if (result.diagnostics.length > 0) {
    lines.push("", "| where | severity | rule | message |", "| --- | --- | --- | --- |");
    for (const d of result.diagnostics.slice(0, SUMMARY_ROWS)) {
      lines.push(
        `| \`${cell(pathOf(d.file))}:${d.line}:${d.column}\` | ${d.severity} | \`${d.rule}\` | ${cell(d.message)} |`,
      );
    }
    const more = result.diagnostics.length - SUMMARY_ROWS;
    if (more > 0) lines.push("", `…and ${more} more: the SARIF file and the report have them all.`);
  }
  return `${lines.join("\n")}\n`;
}
