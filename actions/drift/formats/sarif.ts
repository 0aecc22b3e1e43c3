import type { Log, ReportingDescriptor, Result } from "sarif";
import { CHECKS, type CheckId } from "../checks.js";
import type { DriftResult, Locate } from "../result.js";

const INFORMATION_URI = "https://vaultpilot.dev/docs/drift";

export function driftRules(): ReportingDescriptor[] {
  return (Object.entries(CHECKS) as [CheckId, (typeof CHECKS)[CheckId]][]).map(([id, check]) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: check.description },
    fullDescription: { text: check.description },
    helpUri: `${INFORMATION_URI}#${id}`,
    help: {
      text: `${check.description} Fix the cloud resource (or run pulumi up), or change the policy.`,
      markdown: `**${id}**: ${check.description} Fix the cloud resource (or run \`pulumi up\`), or change the policy.`,
    },
    defaultConfiguration: { level: check.severity },
  }));
}

/**
 * SARIF 2.1.0: always a results array; each finding located at the policy document that
 * declares the resource (code scanning needs a file), or at the policy directory for a
 * secret no policy declares.
 */
export function formatSarif(result: DriftResult, locate: Locate, fallbackUri: string): string {
  const rules = driftRules();
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results: Result[] = result.findings.map((f) => {
    const where = locate(f);
    return {
      ruleId: f.check,
      ruleIndex: index.get(f.check) ?? -1,
      level: f.severity,
      message: { text: `${f.tenant} ${f.resource}: expected ${f.expected}; found ${f.actual}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: where?.file ?? fallbackUri, uriBaseId: "%SRCROOT%" },
            region: { startLine: where?.line ?? 1, startColumn: where?.column ?? 1 },
          },
          logicalLocations: [{ name: f.resource, fullyQualifiedName: `${f.tenant}/${f.resource}` }],
        },
      ],
      partialFingerprints: { vaultpilotDrift: `${f.tenant}/${f.resource}/${f.check}` },
    };
  });
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "VaultPilot drift", informationUri: INFORMATION_URI, rules } },
        automationDetails: { id: `vaultpilot/drift/${result.summary.stack ?? "all"}/` },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
