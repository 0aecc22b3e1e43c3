import { createHash } from "node:crypto";
import type { ChainSummary } from "./chain.js";

/** The manifest's format id; `audit verify` refuses any other. */
export const MANIFEST_FORMAT = "vaultpilot.dev/audit-manifest/v1";

/** What one CloudTrail location (owner = account, or organization/account; one region) gave. */
export interface CloudTrailSourceResult {
  readonly bucket: string;
  /** `AWSLogs/<account>/` or `AWSLogs/<org-id>/<account>/`, after the trail's prefix. */
  readonly path: string;
  readonly region: string;
  readonly logFiles: {
    readonly listed: number;
    readonly read: number;
    /** Listed by a digest whose signature verified, and matching its hash. */
    readonly validated: number;
    /** Matching a digest whose signature could not be checked (no public key). */
    readonly unverified: number;
    readonly undigested: number;
    readonly altered: number;
    readonly missing: number;
    readonly unreadable: number;
  };
  readonly digests: {
    readonly listed: number;
    readonly valid: number;
    readonly invalid: number;
    /** Digest signatures not checked: no public key could be had (say why in problems). */
    readonly unchecked: number;
  };
  readonly events: { readonly read: number; readonly matched: number; readonly malformed: number };
}

export interface RotationLogSourceResult {
  readonly logGroup: string;
  readonly region: string;
  readonly events: number;
  readonly matched: number;
}

/** A gap in the evidence, named: never skipped silently. */
export interface Problem {
  readonly kind:
    | "log-file-missing"
    | "log-file-altered"
    | "log-file-undigested"
    | "log-file-unreadable"
    | "digest-invalid"
    | "digest-missing"
    | "digest-unchecked"
    | "event-malformed"
    | "source-unreadable"
    | "key-unresolved";
  /** `s3://bucket/key`, a log group, or a bucket. */
  readonly object: string;
  readonly detail: string;
}

export interface ExportedFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface AuditManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly createdAt: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly stack: string | null;
  readonly tenants: readonly string[];
  readonly sources: {
    readonly cloudTrail: readonly CloudTrailSourceResult[];
    readonly rotationLogs: readonly RotationLogSourceResult[];
  };
  /** The first MAX_PROBLEMS problems; `problemCount` has them all. */
  readonly problems: readonly Problem[];
  readonly problemCount: number;
  readonly counts: {
    readonly records: number;
    readonly perTenant: Readonly<Record<string, number>>;
  };
  readonly maskedFields: readonly string[];
  readonly chain: ChainSummary;
  readonly files: readonly ExportedFile[];
  readonly signing: { readonly keyId: string; readonly algorithm: "RSASSA_PSS_SHA_256" };
}

export const MAX_PROBLEMS = 1000;

/** What is signed: a short statement naming the manifest's SHA-256 (KMS signs RAW messages up to 4 KiB). */
export function signingStatement(manifestBytes: Uint8Array): string {
  const hash = createHash("sha256").update(manifestBytes).digest("hex");
  return `${MANIFEST_FORMAT}\nsha256:${hash}\n`;
}

/** `manifest.sig`: the signature of the statement over `manifest.json`. */
export interface ManifestSignature {
  readonly keyId: string;
  readonly algorithm: "RSASSA_PSS_SHA_256";
  readonly messageType: "RAW";
  /** Base64 of the signature KMS returned. */
  readonly signature: string;
}

export const FILES = {
  jsonl: "events.jsonl",
  csv: "events.csv",
  manifest: "manifest.json",
  signature: "manifest.sig",
} as const;
