import type { Diagnostic } from "./diagnostics.js";

/**
 * An inline suppression, as ESLint's `eslint-disable-line` and Checkov's `checkov:skip` work:
 *
 * ```yaml
 * spec:
 *   consumers: []   # vaultpilot:ignore secret-without-consumers -- read by the migration job only
 * ```
 *
 * A comment after content on a line covers that line; a comment on a line of its own covers the
 * line below it, or, when it comes before the document's first key, the whole document. The reason
 * after ` -- ` is mandatory: a suppression without one does not apply, and is itself a warning.
 */
export interface Suppression {
  /** Relative to the policy directory, `/`-separated. */
  readonly file: string;
  /** Where the comment's `#` is, 1-based. */
  readonly line: number;
  readonly column: number;
  /** The rule id named in the comment. */
  readonly rule: string;
  /** The text after ` -- `, trimmed; undefined or "" when missing. */
  readonly reason: string | undefined;
  /** The 1-based lines (inclusive) whose diagnostics it suppresses. */
  readonly from: number;
  readonly to: number;
}

/** A diagnostic a suppression silenced: not counted, still listed (text) and kept in SARIF. */
export interface SuppressedDiagnostic extends Diagnostic {
  /** The suppression's reason, SARIF's `suppressions[].justification`. */
  readonly justification: string;
  /** Where the suppression comment is. */
  readonly suppressedAt: { readonly file: string; readonly line: number; readonly column: number };
}

const MARKER = "vaultpilot:ignore";
const COMMENT = /(^|\s)#\s*vaultpilot:ignore(?:\s+([^\s]+))?(?:\s+--(.*))?\s*$/;
const DOCUMENT_BREAK = /^(---|\.\.\.)(\s|$)/;

/**
 * The suppression comments of one file's text. A cheap substring test first: most files have none.
 * (A `#` inside a quoted scalar that happens to spell the marker is taken as a comment: rare, and
 * then reported as a suppression that suppressed nothing.)
 */
export function findSuppressions(file: string, text: string): Suppression[] {
  if (!text.includes(MARKER)) return [];
  const lines = text.split(/\r?\n/);
  const found: Suppression[] = [];
  let documentStart = 0; // index of the document's first line
  let seenContent = false;
  const pending: { index: number; column: number; rule: string; reason: string | undefined }[] = [];
  const documentEnd = (from: number) => {
    let i = from + 1;
    while (i < lines.length && !DOCUMENT_BREAK.test(lines[i]!)) i++;
    return i; // 1-based number of the document's last line
  };
  lines.forEach((line, index) => {
    if (DOCUMENT_BREAK.test(line)) {
      documentStart = index + 1;
      seenContent = false;
    }
    const match = COMMENT.exec(line);
    const trimmed = line.trim();
    const isContent = trimmed !== "" && !trimmed.startsWith("#") && !DOCUMENT_BREAK.test(line);
    if (match) {
      const column = line.indexOf("#", match.index) + 1;
      const rule = match[2] ?? "";
      const reason = match[3]?.trim();
      if (isContent) {
        found.push({ file, line: index + 1, column, rule, reason, from: index + 1, to: index + 1 });
      } else if (!seenContent) {
        found.push({
          file,
          line: index + 1,
          column,
          rule,
          reason,
          from: documentStart + 1,
          to: documentEnd(index),
        });
      } else {
        pending.push({ index, column, rule, reason });
      }
    }
    if (isContent) {
      seenContent = true;
      // Comments on lines of their own cover the next line with content.
      for (const p of pending.splice(0)) {
        found.push({
          file,
          line: p.index + 1,
          column: p.column,
          rule: p.rule,
          reason: p.reason,
          from: index + 1,
          to: index + 1,
        });
      }
    }
  });
  for (const p of pending) {
    found.push({
      file,
      line: p.index + 1,
      column: p.column,
      rule: p.rule,
      reason: p.reason,
      from: p.index + 1,
      to: p.index + 1,
    });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Rules whose diagnostics cannot be suppressed: the document they reject is left out of the model. */
export type Unsuppressible = ReadonlySet<string>;

export const SUPPRESSION_RULES = [
  {
    id: "suppression-reason",
    severity: "warning",
    description:
      "An inline `# vaultpilot:ignore <rule-id> -- <reason>` must give its reason after ` -- `; without one it does not apply.",
  },
  {
    id: "unused-suppression",
    severity: "warning",
    description:
      "An inline suppression must name a rule that reports a problem on the lines it covers; remove it once the problem is fixed.",
  },
] as const;

export interface Suppressed {
  readonly diagnostics: Diagnostic[];
  readonly suppressed: SuppressedDiagnostic[];
}

/**
 * Moves each diagnostic that a suppression with a reason covers (same file, rule, line in range) from
 * `diagnostics` to `suppressed`, and adds a warning for each suppression that has no reason, names
 * a rule that cannot be suppressed or an unknown one, or silenced nothing.
 */
export function applySuppressions(
  diagnostics: readonly Diagnostic[],
  suppressions: readonly Suppression[],
  rules: { readonly known: ReadonlySet<string>; readonly unsuppressible: Unsuppressible },
): Suppressed {
  if (suppressions.length === 0) return { diagnostics: [...diagnostics], suppressed: [] };
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  const used = new Set<Suppression>();
  const valid = suppressions.filter(
    (s) => s.reason && rules.known.has(s.rule) && !rules.unsuppressible.has(s.rule),
  );
  for (const d of diagnostics) {
    const by = valid.find(
      (s) => s.file === d.file && s.rule === d.rule && d.line >= s.from && d.line <= s.to,
    );
    if (by) {
      used.add(by);
      suppressed.push({
        ...d,
        justification: by.reason!,
        suppressedAt: { file: by.file, line: by.line, column: by.column },
      });
    } else kept.push(d);
  }
  for (const s of suppressions) {
    if (used.has(s)) continue;
    const warn = (rule: (typeof SUPPRESSION_RULES)[number]["id"], message: string) =>
      kept.push({
        file: s.file,
        line: s.line,
        column: s.column,
        severity: "warning",
        rule,
        message,
      });
    if (!s.rule) {
      warn(
        "unused-suppression",
        "vaultpilot:ignore names no rule; write `# vaultpilot:ignore <rule-id> -- <reason>`",
      );
    } else if (!rules.known.has(s.rule)) {
      warn(
        "unused-suppression",
        `vaultpilot:ignore names "${s.rule}", which is not a VaultPilot rule; use the rule id a diagnostic shows`,
      );
    } else if (rules.unsuppressible.has(s.rule)) {
      warn(
        "unused-suppression",
        `rule "${s.rule}" cannot be suppressed: the stack cannot be built from what it reports; fix the policy`,
      );
    } else if (!s.reason) {
      warn(
        "suppression-reason",
        `suppression of "${s.rule}" gives no reason, so it does not apply; add one: # vaultpilot:ignore ${s.rule} -- <why this is acceptable>`,
      );
    } else {
      const where = s.from === s.to ? `line ${s.from}` : `lines ${s.from}-${s.to}`;
      warn(
        "unused-suppression",
        `rule "${s.rule}" reports nothing on ${where}, so this suppression is not needed; remove it`,
      );
    }
  }
  return { diagnostics: kept, suppressed };
}
