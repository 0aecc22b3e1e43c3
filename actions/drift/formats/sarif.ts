import { CHECKS, type CheckId } from "../checks.js";
import type { DriftResult, Locate } from "../result.js";
import { formatSarifLog, type SarifRule } from "../../sarif.js";

const INFORMATION_URI = "https://vaultpilot.dev/docs/drift";

/** Every drift check, as SARIF rules. */
export function driftRules(): SarifRule[] {
  return (Object.entries(CHECKS) as [CheckId, (typeof CHECKS)[CheckId]][]).map(([id, check]) => ({
    id,
    description: check.description,
    help: "Fix the cloud resource (or run pulumi up), or change the policy.",
    level: check.severity,
  }));
}

/**
 * SARIF 2.1.0: always a results array; each finding located at the policy document that
 * declares the resource (code scanning needs a file), or at the policy directory for a
 * secret no policy declares.
 */
export function formatSarif(result: DriftResult, locate: Locate, fallbackUri: string): string {
  return formatSarifLog({
    tool: "VaultPilot drift",
    informationUri: INFORMATION_URI,
    category: `vaultpilot/drift/${result.summary.stack ?? "all"}/`,
    rules: driftRules(),
    findings: result.findings.map((f) => ({
      rule: f.check,
      level: f.severity,
      message: `${f.tenant} ${f.resource}: expected ${f.expected}; found ${f.actual}`,
      place: locate(f) ?? { file: fallbackUri, line: 1, column: 1 },
      resource: { name: f.resource, fullyQualifiedName: `${f.tenant}/${f.resource}` },
      fingerprints: { vaultpilotDrift: `${f.tenant}/${f.resource}/${f.check}` },
    })),
  });
}
