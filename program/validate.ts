import { buildModel } from "./build-model.js";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostics.js";
import type { PolicyDocument } from "./documents.js";
import { loadPolicies, type LoadedDocument } from "./load/load-policies.js";
import type { PolicyModel } from "./model.js";
import { indexPolicies, rejectedKey, type PolicyIndex } from "./policy-set.js";
import * as rules from "./rules/index.js";
import type { DocumentRule, PolicyRule } from "./rules/index.js";

/** Checked in order on each document; a document that fails one is not checked by the next. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  rules.apiVersion,
  rules.unknownKind,
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

export interface ValidationResult {
  /** Every policy file found, relative to the directory. */
  readonly files: readonly string[];
  /** Sorted by file, line, column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly documents: number;
  /** The schema-valid documents, for reports on policies that do not yet validate. */
  readonly policies: PolicyIndex;
  /** Present only when there are no errors. */
  readonly model?: PolicyModel;
}

/** Loads, checks and, when clean, models the policies under `root`. Never throws for bad input. */
export function validatePolicies(root: string): ValidationResult {
  const loaded = loadPolicies(root);
  return validateDocuments(loaded.documents, loaded.diagnostics, loaded.files);
}

export function validateDocuments(
  loadedDocuments: readonly LoadedDocument[],
  loadDiagnostics: readonly Diagnostic[],
  files: readonly string[],
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
  diagnostics.sort(compareDiagnostics);
  return {
    files,
    diagnostics,
    documents: loadedDocuments.length,
    policies,
    ...(!hasErrors(diagnostics) && { model: buildModel(policies) }),
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
