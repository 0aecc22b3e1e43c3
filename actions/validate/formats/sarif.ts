import type { Log, ReportingDescriptor, Result } from "sarif";
import type { ValidationResult } from "../../../program/validate.js";
import { DOCUMENT_RULES, LOADER_RULES, POLICY_RULES } from "../../../program/validate.js";

const INFORMATION_URI = "https://vaultpilot.dev/docs/rules";

/** Every rule VaultPilot can report, so code scanning shows help even for rules not hit. */
export function ruleDescriptors(): ReportingDescriptor[] {
  return [...LOADER_RULES, ...DOCUMENT_RULES, ...POLICY_RULES].map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    helpUri: `${INFORMATION_URI}#${rule.id}`,
    help: {
      text: `${rule.description} Each diagnostic's message says what to change.`,
      markdown: `**${rule.id}**: ${rule.description} Each diagnostic's message says what to change.`,
    },
    defaultConfiguration: { level: rule.severity === "error" ? "error" : "warning" },
  }));
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, "#", "%"...). */
export function pathToUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** SARIF 2.1.0 for GitHub code scanning: always a results array, paths from the repository root. */
export function formatSarif(
  result: Pick<ValidationResult, "diagnostics">,
  pathOf: (file: string) => string,
): string {
  const rules = ruleDescriptors();
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results: Result[] = result.diagnostics.map((d) => ({
    ruleId: d.rule,
    ruleIndex: index.get(d.rule) ?? -1,
    level: d.severity === "error" ? "error" : "warning",
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(pathOf(d.file)), uriBaseId: "%SRCROOT%" },
          region: { startLine: d.line, startColumn: d.column },
        },
      },
    ],
    ...(d.related && {
      relatedLocations: d.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: {
          artifactLocation: { uri: pathToUri(pathOf(r.file)), uriBaseId: "%SRCROOT%" },
          region: { startLine: r.line, startColumn: r.column },
        },
      })),
    }),
  }));
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "VaultPilot", informationUri: INFORMATION_URI, rules } },
        automationDetails: { id: "vaultpilot/validate/" },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
