// Where the client reads secrets from: one small interface, so a store is a file (Secrets Manager
// in sources/aws-secrets-manager.ts; Vault/OpenBao KV v2 can implement the same two calls), and
// the cache, its encryption and its staleness rules are the store's business nowhere.

/** A secret as policies name it: its tenant and its name within the tenant. */
export interface SecretRef {
  readonly tenant: string;
  readonly name: string;
}

/** The logical stages a client reads: what consumers use now, and the one before it (overlap). */
export type ReadStage = "current" | "previous";

/** A version's value as read from the store. */
export interface SourcedValue {
  readonly versionId: string;
  /** The value as stored; binary values as bytes. */
  readonly value: string | Uint8Array;
}

export interface SecretSource {
  /** Names the store in logs: "aws-secrets-manager", "vault". */
  readonly kind: string;
  /**
   * The id of the version now at `stage`, without reading its value (Secrets Manager:
   * DescribeSecret): what the client asks when an entry's TTL ends. Undefined when no version
   * holds the stage. Throws SourceUnreachable or SourceSecretNotFound.
   */
  versionAt(ref: SecretRef, stage: ReadStage): Promise<string | undefined>;
  /** The value of the version at `stage` and its id. Throws SourceUnreachable or SourceSecretNotFound. */
  read(ref: SecretRef, stage: ReadStage): Promise<SourcedValue>;
  /** Releases connections. */
  close?(): void;
}

/**
 * The store could not be reached: network error, timeout, 5xx, throttling. Only this error lets
 * the client serve a cached value past its TTL (stale-if-error); a refusal never does.
 */
export class SourceUnreachable extends Error {
  override name = "SourceUnreachable";
}

/** The store has no such secret, or no version at the stage asked for. */
export class SourceSecretNotFound extends Error {
  override name = "SourceSecretNotFound";
}

/**
 * Where the cache's data keys come from: one 256-bit key per tenant, made when the tenant's
 * first entry is sealed and kept only in memory (KMS GenerateDataKey in kms-data-keys.ts).
 */
export interface DataKeySource {
  /** 32 bytes the caller owns: the client zeroes them on close. */
  dataKey(tenant: string): Promise<Buffer>;
  close?(): void;
}
