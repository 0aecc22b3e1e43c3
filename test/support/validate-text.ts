import { expect } from "vitest";
import type { Diagnostic } from "../../program/diagnostics.js";
import { parsePolicyText, type LoadedDocument } from "../../program/load/load-policies.js";
import { findSuppressions, type Suppression } from "../../program/suppressions.js";
import {
  validateDocuments,
  type ValidateOptions,
  type ValidationResult,
} from "../../program/validate.js";

/** Validates policy files given as text (relative path → content), without touching disk. */
export function validateText(
  files: Record<string, string>,
  options: ValidateOptions = {},
): ValidationResult {
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const suppressions: Suppression[] = [];
  const names = Object.keys(files).sort();
  for (const name of names) {
    parsePolicyText(name, files[name]!, documents, diagnostics);
    suppressions.push(...findSuppressions(name, files[name]!));
  }
  return validateDocuments(documents, diagnostics, names, suppressions, options);
}

/** The diagnostics one rule reported, as `file:line:column severity` and message. */
export function reported(
  result: ValidationResult,
  rule: string,
): { where: string; severity: string; message: string }[] {
  return result.diagnostics
    .filter((d) => d.rule === rule)
    .map((d) => ({
      where: `${d.file}:${d.line}:${d.column}`,
      severity: d.severity,
      message: d.message,
    }));
}

/**
 * A message that follows STYLE.md: quotes each of `values` and, after a ";" or ":", says how to
 * fix it with an imperative or a suggestion.
 */
export function expectHelpfulMessage(message: string, ...values: string[]): void {
  for (const value of values) expect(message).toContain(`"${value}"`);
  expect(message).toMatch(
    /[;:] .*\b(add|use|remove|rename|define|delete|did you mean|list|move|rotate|start|shorten|split|save|replace|fix|flatten|write)\b/,
  );
}

/** Policy documents as YAML text, for tests that need many of them. */
export const doc = {
  tenant(name: string, plan = "pro", compliance: readonly string[] = []): string {
    return `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: ${name}
spec:
  plan: ${plan}
${compliance.length ? `  compliance: [${compliance.join(", ")}]\n` : ""}  aws:
    account: "123456789012"
    region: us-east-1
`;
  },
  schedule(name: string, every: string, window?: { start: string; duration: string }): string {
    return `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: ${name}
spec:
  every: ${every}
${window ? `  window:\n    start: "${window.start}"\n    duration: ${window.duration}\n` : ""}`;
  },
  secret(
    name: string,
    tenant: string,
    schedule: string,
    consumers: readonly string[] = [],
  ): string {
    return `apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: ${name}
  tenant: ${tenant}
spec:
  type: generic
  schedule: ${schedule}
${consumers.length ? `  consumers: [${consumers.join(", ")}]\n` : ""}`;
  },
  service(name: string, tenant: string, runtime = "ecs"): string {
    return `apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: ${name}
  tenant: ${tenant}
spec:
  runtime: ${runtime}
`;
  },
};

/** Documents joined into one multi-document file. */
export function yamlFile(...documents: string[]): string {
  return documents.join("---\n");
}
