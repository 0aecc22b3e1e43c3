// The small interfaces the rotation core depends on, one per capability, in the domain's words:
// no store's API, label or error name appears here or in the engine. Each store maps them to its
// service (Secrets Manager in aws/secrets-store.ts) and must pass the conformance suite in
// test/rotation/store-conformance.ts against its real part.

/**
 * The logical stages of a secret's versions. At most one version holds each. `current` is what
 * consumers read; `pending` is the version a rotation is bringing in; `previous` is the version
 * that was current before the last promotion (what rollback goes back to).
 */
export const STAGES = ["current", "pending", "previous"] as const;
export type Stage = (typeof STAGES)[number];

/** A version of a secret as the store lists it: never its value. */
export interface VersionInfo {
  readonly versionId: string;
  readonly stages: readonly Stage[];
  readonly created?: Date;
}

/**
 * A run's exclusive hold on one secret: only the holder changes its values, its stages or its
 * backend. It expires at `expires` (the holder's clock), so a run that died cannot block others
 * for longer than its time to live; until then every other run stops, changing nothing.
 */
export interface Claim {
  /** The run that holds it (`RotationEngine.run`), as audit events name it. */
  readonly run: string;
  readonly expires: Date;
  /** The store's own handle for compare-and-set (Secrets Manager: the claim version's id). */
  readonly ref: string;
}

export interface SecretDescription {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** The secret's versions; a store's own bookkeeping versions (claims) are never listed. */
  readonly versions: readonly VersionInfo[];
  /** The last claim taken on the secret, live or expired; absent when none is held. */
  readonly claim?: Claim;
}

/**
 * The value of a version, or the holder of a stage, is not what the caller expected: another run
 * wrote that version with another value, or moved the stage meanwhile. Nothing was changed.
 */
export class VersionConflict extends Error {
  override name = "VersionConflict";
}

/** Another run holds a live claim on the secret; nothing was changed. */
export class ClaimHeld extends Error {
  override name = "ClaimHeld";
  constructor(
    readonly secret: string,
    readonly claim: Claim,
  ) {
    super(
      `run ${claim.run} holds the claim on ${secret} until ${claim.expires.toISOString()}; nothing was changed`,
    );
  }
}

/**
 * The store could not be used at all: its credentials are missing or were refused at login.
 * Nothing was read or changed; the run could not start (exit status 2 in the CLI).
 */
export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
}

/** The secret does not exist in the store. */
export class SecretNotFound extends Error {
  override name = "SecretNotFound";
  constructor(readonly secret: string) {
    super(`secret ${secret} does not exist`);
  }
}

/** Where a secret's versions and stages live (Secrets Manager today; OpenBao later). */
export interface SecretStore {
  /** How the store's users know a stage, for messages (Secrets Manager: "AWSCURRENT"). */
  stageName(stage: Stage): string;
  /**
   * The secret and its staged versions. `allVersions` adds the unstaged ones and creation dates.
   * SecretNotFound when the secret does not exist.
   */
  describe(secretId: string, options?: { allVersions?: boolean }): Promise<SecretDescription>;
  /** The value of a version chosen by id and/or stage; undefined when it has none (yet). */
  value(
    secretId: string,
    select: { versionId?: string; stage?: Stage },
  ): Promise<string | undefined>;
  /**
   * Writes `value` as version `versionId` and stages it pending, off any other version. Writing
   * the same value again changes nothing; another value for an existing version is a
   * VersionConflict (versions are immutable).
   */
  putPending(secretId: string, versionId: string, value: string): Promise<void>;
  /**
   * Makes `versionId` current; `from`, which must be the current version now (else
   * VersionConflict, nothing changed), becomes previous. The store keeps previous itself.
   */
  promote(secretId: string, versionId: string, from: string): Promise<void>;
  /** Takes pending off `versionId`; VersionConflict when it does not hold it. */
  clearPending(secretId: string, versionId: string): Promise<void>;
  /**
   * Takes the claim on the secret for `run` until now + `ttlMs`, atomically. `seen` is the claim
   * the caller last saw (from describe): ClaimHeld when it is live and another run's; when the
   * claim changed since it was seen, ClaimHeld (or VersionConflict) too: never two holders.
   * The same run may take it again to extend it.
   */
  claim(
    secretId: string,
    request: { run: string; ttlMs: number; seen: Claim | undefined },
  ): Promise<Claim>;
  /** Gives the claim up; nothing happens when another run has taken it over meanwhile. */
  release(secretId: string, claim: Claim): Promise<void>;
  randomPassword(policy: { length: number; exclude: string }): Promise<string>;
}

/**
 * Copies of the secret kept elsewhere (another store, another cloud). Called in finishSecret after
 * the new version is current and before consumers reload, and in rollback with the restored one,
 * so a consumer that reads a replica never sees a version its secret no longer holds.
 */
export interface ReplicaWriter {
  publish(
    secret: { arn: string; name: string },
    version: { versionId: string; value: string },
  ): Promise<void>;
}

/** The default: no replicas. */
export const noReplicas: ReplicaWriter = { publish: async () => undefined };

/** The tenant's alert channel (SNS). */
export interface Alerts {
  critical(subject: string, message: string): Promise<void>;
}

/** What the engine tells people (components/notify carries it to the tenant's routes). */
export interface RotationNotice {
  readonly event:
    "rotation-succeeded" | "rotation-failed" | "rotation-rolled-back" | "rollback-failed";
  readonly tenant: string;
  readonly secret: string;
  readonly run: string;
  readonly title: string;
  readonly detail?: string;
  readonly next: string;
}

/** The tenant's notification routes. Never throws: each route's outcome comes back, for the audit. */
export interface RotationNotifier {
  notify(notice: RotationNotice): Promise<
    readonly {
      readonly route: string;
      readonly outcome: "succeeded" | "skipped" | "failed";
      readonly attempts: number;
      readonly detail?: string;
    }[]
  >;
}

export interface AuditEvent {
  readonly time: string;
  readonly tenant: string;
  readonly secretArn: string;
  /** The run that wrote the event and held (or tried to take) the claim on the secret. */
  readonly run: string;
  readonly step: string;
  readonly outcome: "started" | "succeeded" | "skipped" | "failed" | "retrying" | "busy";
  readonly attempt: number;
  readonly durationMs: number;
  readonly versions: { readonly pending?: string; readonly current?: string };
  /** A one-line reason on failure; never a secret value. */
  readonly detail?: string;
}

/** Where audit events go: one JSON line each. */
export type AuditSink = (event: AuditEvent) => void;
