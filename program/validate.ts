import { buildModel } from "./build-model.js";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostics.js";
import type { PolicyDocument } from "./documents.js";
import { loadPolicies, type LoadedDocument } from "./load/load-policies.js";
import type { PolicyModel } from "./model.js";
import { indexPolicies, rejectedKey, type PolicyIndex } from "./policy-set.js";
import { applyRuleSettings, CONFIG_RULES, type RuleSetting } from "./config.js";
import * as rules from "./rules/index.js";
import {
  applySuppressions,
  SUPPRESSION_RULES,
  type SuppressedDiagnostic,
  type Suppression,
} from "./suppressions.js";
import type { DocumentRule, PolicyRule } from "./rules/index.js";

/** Checked in order on each document; a document that fails one is not checked by the next. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  rules.apiVersion,
  rules.unknownKind,
  rules.notificationSecretValue,
  rules.schema,
];

/** Checked on every schema-valid document together. */
export const POLICY_RULES: readonly PolicyRule[] = [
  rules.duplicateName,
  rules.unknownTenant,
  rules.unknownSchedule,
  rules.unknownConsumer,
  rules.tenantIsolation,
  rules.rotationInterval,
  rules.rotationWindow,
  rules.planLimits,
  rules.complianceRotation,
  rules.secretWithoutConsumers,
  rules.unusedSchedule,
  rules.connectionDetails,
  rules.masterSecret,
  rules.passwordPolicy,
  rules.reloadRuntime,
  rules.kubernetesCluster,
  rules.azureIds,
  rules.azureLocation,
  rules.azureKeyVaultName,
  rules.azureDelivery,
  rules.disasterRecoveryRegion,
  rules.backupColdStorage,
  rules.backupRetention,
  rules.backupVaultLock,
  rules.kubernetesNamespace,
  rules.kubernetesDelivery,
  rules.deliveryPropagation,
  rules.singleUserDelivery,
  rules.notificationRoute,
  rules.vaultStoreAddress,
  rules.vaultStoreAuth,
  rules.vaultStoreDelivery,
  rules.vaultStoreFields,
  // protection (schemas/protection.defs.schema.json)
  rules.entryPoint,
  rules.wafCidr,
  rules.wafAllowAll,
  rules.wafRateLimit,
  rules.countryCode,
  rules.logRetention,
  rules.complianceLogRetention,
];

/** What the loader reports, for tools that list every rule (SARIF, the README). */
export const LOADER_RULES = [
  {
    id: "file-unreadable",
    severity: "error",
    description:
      "A policy file or folder must be readable; symbolic links must not dangle or loop.",
  },
  { id: "file-too-large", severity: "error", description: "A policy file may be at most 5 MiB." },
  { id: "file-encoding", severity: "error", description: "A policy file must be UTF-8 text." },
  {
    id: "yaml-syntax",
    severity: "error",
    description:
      "A policy file must be valid YAML: no tabs for indentation, no duplicate keys, no alias bombs or runaway nesting.",
  },
  {
    id: "document-shape",
    severity: "error",
    description: "A document must be a map, not a list or a scalar.",
  },
  {
    id: "empty-file",
    severity: "warning",
    description: "A policy file should hold at least one document.",
  },
] as const;

/** What the inline suppressions and the config file report as (for SARIF and the README). */
export const META_RULES = [...SUPPRESSION_RULES, ...CONFIG_RULES] as const;

/** Every rule id a diagnostic can carry. */
export function ruleIds(): string[] {
  return [...LOADER_RULES, ...DOCUMENT_RULES, ...POLICY_RULES, ...META_RULES].map((r) => r.id);
}

/**
 * Rules neither a suppression nor the config may silence or lower: those that reject a whole
 * document or file (it would be left out of the model without an error), and those the model and
 * the rotation runtime rely on (references resolve, durations parse, a connection and a reload
 * are complete). What stays open to a reasoned exception is a policy decision: plan limits,
 * compliance intervals and every warning.
 */
export const LOCKED_RULES: ReadonlySet<string> = new Set([
  ...LOADER_RULES.filter((r) => r.severity === "error").map((r) => r.id),
  ...DOCUMENT_RULES.map((r) => r.id),
  ...[
    rules.duplicateName,
    rules.unknownTenant,
    rules.unknownSchedule,
    rules.unknownConsumer,
    rules.tenantIsolation,
    rules.rotationInterval,
    rules.rotationWindow,
    rules.connectionDetails,
    rules.masterSecret,
    rules.passwordPolicy,
    rules.reloadRuntime,
    rules.notificationRoute,
    // AWS WAF and CloudWatch Logs refuse what these report (WAF takes no /0 range);
    // compliance-log-retention is a policy decision, open to a reasoned exception.
    rules.entryPoint,
    rules.wafCidr,
    rules.wafAllowAll,
    rules.wafRateLimit,
    rules.countryCode,
    rules.logRetention,
  ].map((r) => r.id),
]);

export interface ValidateOptions {
  /** Severity per rule id, from the config's `rules:`. @default {} */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
}

export interface ValidationResult {
  /** Every policy file found, relative to the directory. */
  readonly files: readonly string[];
  /** Sorted by file, line, column; without the suppressed ones. */
  readonly diagnostics: readonly Diagnostic[];
  /** Diagnostics an inline suppression silenced: not counted, but listed and kept in SARIF. */
  readonly suppressed: readonly SuppressedDiagnostic[];
  readonly documents: number;
  /** The schema-valid documents, for reports on policies that do not yet validate. */
  readonly policies: PolicyIndex;
  /** Present only when there are no errors. */
  readonly model?: PolicyModel;
}

/** Loads, checks and, when clean, models the policies under `root`. Never throws for bad input. */
export function validatePolicies(root: string, options: ValidateOptions = {}): ValidationResult {
  const loaded = loadPolicies(root);
  return validateDocuments(
    loaded.documents,
    loaded.diagnostics,
    loaded.files,
    loaded.suppressions,
    options,
  );
}

export function validateDocuments(
  loadedDocuments: readonly LoadedDocument[],
  loadDiagnostics: readonly Diagnostic[],
  files: readonly string[],
  suppressions: readonly Suppression[] = [],
  options: ValidateOptions = {},
): ValidationResult {
  const diagnostics = [...loadDiagnostics];
  const documents: PolicyDocument[] = [];
  const rejected = new Set<string>();
  for (const loaded of loadedDocuments) {
    let passed = true;
    for (const rule of DOCUMENT_RULES) {
      const found = runRule(rule, () => rule.check(loaded), loaded.source.file);
      diagnostics.push(...found);
      if (found.some((d) => d.severity === "error")) {
        passed = false;
        break;
      }
    }
    if (passed) documents.push(toPolicyDocument(loaded));
    else {
      const key = rejectedKeyOf(loaded.value);
      if (key) rejected.add(key);
    }
  }
  const policies = indexPolicies(documents, rejected);
  for (const rule of POLICY_RULES) {
    diagnostics.push(...runRule(rule, () => rule.check(policies), files[0] ?? "."));
  }
  // The config's severities first (a rule turned off has nothing to suppress), then the inline
  // suppressions, then the severities again for the suppressions' own warnings.
  const settings = options.rules ?? {};
  const applied = applySuppressions(applyRuleSettings(diagnostics, settings), suppressions, {
    known: new Set(ruleIds()),
    unsuppressible: LOCKED_RULES,
  });
  const final = applyRuleSettings(applied.diagnostics, settings).sort(compareDiagnostics);
  return {
    files,
    diagnostics: final,
    suppressed: applied.suppressed.sort(compareDiagnostics),
    documents: loadedDocuments.length,
    policies,
    ...(!hasErrors(final) && { model: buildModel(policies) }),
  };
}

/** A rule that throws is reported as a diagnostic of that rule, and the others still run. */
function runRule(rule: { id: string }, check: () => Diagnostic[], file: string): Diagnostic[] {
  try {
    return check();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        file,
        line: 1,
        column: 1,
        severity: "error",
        rule: rule.id,
        message: `the rule failed (${reason}); this is a VaultPilot bug: please report it`,
      },
    ];
  }
}

/** The kind and names of a document that failed its checks, when it has them. */
function rejectedKeyOf(value: unknown): string | undefined {
  const { kind, metadata } = value as { kind?: unknown; metadata?: unknown };
  if (typeof kind !== "string" || typeof metadata !== "object" || metadata === null) return;
  const { name, tenant } = metadata as { name?: unknown; tenant?: unknown };
  if (typeof name !== "string") return;
  return rejectedKey(kind, name, typeof tenant === "string" ? tenant : "");
}

function toPolicyDocument(loaded: LoadedDocument): PolicyDocument {
  const value = loaded.value as {
    kind: PolicyDocument["kind"];
    metadata: { name: string; tenant?: string };
    spec: never;
  };
  return {
    kind: value.kind,
    name: value.metadata.name,
    ...(value.metadata.tenant !== undefined && { tenant: value.metadata.tenant }),
    spec: value.spec,
    source: loaded.source,
  } as PolicyDocument;
}
