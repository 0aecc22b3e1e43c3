/** A 1-based place in a file, pointing at the offending key or value. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type Severity = "error" | "warning";

/**
 * The one way every stage (loader, schema check, rules) reports a problem.
 * `file` is relative to the policy directory, with `/` separators.
 */
export interface Diagnostic extends Position {
  readonly file: string;
  readonly severity: Severity;
  readonly rule: string;
  readonly message: string;
  /** Other places the problem involves, such as the first definition of a duplicate. */
  readonly related?: readonly (Position & { readonly file: string; readonly message: string })[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for output: by file, line, column, then rule. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}
