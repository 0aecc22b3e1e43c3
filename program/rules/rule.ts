import type { Diagnostic, Severity } from "../diagnostics.js";
import type { LoadedDocument } from "../load/load-policies.js";
import type { ValuePath } from "../load/document-source.js";
import type { PolicyIndex } from "../policy-set.js";

/** A check of one loaded document, before its kind's schema has accepted it. */
export interface DocumentRule {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
  check(document: LoadedDocument): Diagnostic[];
}

/** A check across the schema-valid documents of a policy directory. */
export interface PolicyRule {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
  check(policies: PolicyIndex): Diagnostic[];
}

/** A diagnostic of `rule` at the key or value `path` of the document behind `source`. */
export function report(
  rule: { readonly id: string; readonly severity: Severity },
  at: { readonly source: LoadedDocument["source"] },
  path: ValuePath,
  message: string,
  part: "key" | "value" = "value",
): Diagnostic {
  const position = at.source.at(path, part);
  return {
    file: at.source.file,
    line: position.line,
    column: position.column,
    severity: rule.severity,
    rule: rule.id,
    message,
  };
}

/** "file:line:col" of a place, for messages that name a second place. */
export function place(at: { readonly source: LoadedDocument["source"] }, path: ValuePath): string {
  const position = at.source.at(path);
  return `${at.source.file}:${position.line}:${position.column}`;
}
