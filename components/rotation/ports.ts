// The small interfaces the rotation core depends on, one per capability; the AWS, database and
// Kubernetes implementations live in their own files.

/** A version of a secret as Secrets Manager lists it: never its value. */
export interface VersionInfo {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly created?: Date;
}

export interface SecretDescription {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly versions: readonly VersionInfo[];
}

/** Secrets Manager, as far as rotation uses it. */
export interface SecretStore {
  /**
   * The secret and its labelled versions (one DescribeSecret). `allVersions` adds the unlabelled
   * ones and creation dates (ListSecretVersionIds, paged).
   */
  describe(secretId: string, options?: { allVersions?: boolean }): Promise<SecretDescription>;
  /** The value of a version chosen by id and/or stage; undefined when it has none yet. */
  value(
    secretId: string,
    select: { versionId?: string; stage?: string },
  ): Promise<string | undefined>;
  putPending(secretId: string, token: string, value: string): Promise<void>;
  /** A new version under one label of our own; ResourceExistsException if the token holds another value. */
  putVersion(secretId: string, token: string, value: string, stage: string): Promise<void>;
  /** Moves `stage` to `toVersion`, off `fromVersion` when given. */
  moveStage(
    secretId: string,
    stage: string,
    toVersion: string | undefined,
    fromVersion: string | undefined,
  ): Promise<void>;
  randomPassword(policy: { length: number; exclude: string }): Promise<string>;
}

/** The tenant's alert channel (SNS). */
export interface Alerts {
  critical(subject: string, message: string): Promise<void>;
}

export interface AuditEvent {
  readonly time: string;
  readonly tenant: string;
  readonly secretArn: string;
  readonly step: string;
  readonly outcome: "started" | "succeeded" | "skipped" | "failed" | "retrying";
  readonly attempt: number;
  readonly durationMs: number;
  readonly versions: { readonly pending?: string; readonly current?: string };
  /** A one-line reason on failure; never a secret value. */
  readonly detail?: string;
}

/** Where audit events go: one JSON line each. */
export type AuditSink = (event: AuditEvent) => void;
