/**
 * The one SARIF 2.1.0 builder (OASIS SARIF v2.1.0) that every command writing SARIF uses
 * (validate, drift, and the report and audit checks): a command describes its rules and its
 * findings as plain data; this module makes the log GitHub code scanning reads.
 *
 * What GitHub requires of it (docs.github.com, "SARIF support for code scanning"): a `results`
 * array even when empty, `ruleId` on each result with the rule in `tool.driver.rules`, file
 * locations relative to the repository root (`uriBaseId: "%SRCROOT%"`), and a distinct
 * `automationDetails.id` (the upload's category) per analysis. A file holds at most 25,000
 * results per run and 10 MB gzipped.
 */
import type { Log, ReportingDescriptor, Result } from "sarif";

/** A rule (or check) a tool can report, listed whether it fired or not so help always shows. */
export interface SarifRule {
  /** The rule id, such as `duplicate-name`; the rule's name is its PascalCase form. */
  readonly id: string;
  /** One sentence: what the rule requires. */
  readonly description: string;
  /** How to fix a finding, appended to the description in the help text. */
  readonly help: string;
  /** The level a finding of this rule has unless it says otherwise. */
  readonly level: SarifLevel;
}

export type SarifLevel = "error" | "warning" | "note";

/** A place in a file: `file` relative to the repository root, `line` and `column` 1-based. */
export interface SarifPlace {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface SarifFinding {
  readonly rule: string;
  readonly level: SarifLevel;
  readonly message: string;
  readonly place: SarifPlace;
  /** Other places the message refers to (the first definition of a duplicate name...). */
  readonly related?: readonly (SarifPlace & { readonly message: string })[];
  /** The cloud resource a finding is about, when it is not the file itself. */
  readonly resource?: { readonly name: string; readonly fullyQualifiedName: string };
  /** A stable identity, so code scanning follows one finding across runs: `{name: value}`. */
  readonly fingerprints?: Readonly<Record<string, string>>;
  /** Why the finding is accepted (an inline suppression); it stays in the log, marked. */
  readonly suppressions?: readonly { readonly justification: string }[];
}

export interface SarifRun {
  /** The driver's name, such as `VaultPilot`. */
  readonly tool: string;
  /** Where the rules are documented; each rule's helpUri is this plus `#<id>`. */
  readonly informationUri: string;
  /** The upload's category, unique per analysis: `vaultpilot/validate/`, `vaultpilot/drift/prod/`. */
  readonly category: string;
  readonly rules: readonly SarifRule[];
  readonly findings: readonly SarifFinding[];
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, "#", "%"...). */
export function pathToUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** `duplicate-name` → `DuplicateName`. */
function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function descriptor(rule: SarifRule, informationUri: string): ReportingDescriptor {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    helpUri: `${informationUri}#${rule.id}`,
    help: {
      text: `${rule.description} ${rule.help}`,
      markdown: `**${rule.id}**: ${rule.description} ${rule.help}`,
    },
    defaultConfiguration: { level: rule.level },
  };
}

function location(place: SarifPlace) {
  return {
    artifactLocation: { uri: pathToUri(place.file), uriBaseId: "%SRCROOT%" },
    region: { startLine: place.line, startColumn: place.column },
  };
}

/** The SARIF log as an object, for callers that add to it or count it. */
export function sarifLog(run: SarifRun): Log {
  const rules = run.rules.map((rule) => descriptor(rule, run.informationUri));
  const index = new Map(run.rules.map((rule, i) => [rule.id, i]));
  const results: Result[] = run.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? -1,
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: location(f.place),
        ...(f.resource && { logicalLocations: [f.resource] }),
      },
    ],
    ...(f.related?.length && {
      relatedLocations: f.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: location(r),
      })),
    }),
    ...(f.fingerprints && { partialFingerprints: { ...f.fingerprints } }),
    ...(f.suppressions?.length && {
      suppressions: f.suppressions.map((s) => ({
        kind: "inSource" as const,
        justification: s.justification,
      })),
    }),
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: run.tool, informationUri: run.informationUri, rules } },
        automationDetails: { id: run.category },
        results,
      },
    ],
  };
}

/** The SARIF log as the text a command prints or writes (two-space JSON and a newline). */
export function formatSarifLog(run: SarifRun): string {
  return `${JSON.stringify(sarifLog(run), null, 2)}\n`;
}
