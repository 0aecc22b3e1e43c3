import { KMSClient } from "@aws-sdk/client-kms";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsClient, awsConfigFromEnv, type AwsConfig } from "../cloud/aws/clients.js";
import { SecretIntegrityError, SecretUnavailable } from "./errors.js";
import { KmsDataKeys } from "./kms-data-keys.js";
import { entryAad, open, seal, type SealedValue } from "./sealed-entry.js";
import {
  SourceSecretNotFound,
  SourceUnreachable,
  type DataKeySource,
  type ReadStage,
  type SecretRef,
  type SecretSource,
} from "./source.js";
import { SecretsManagerSource } from "./sources/aws-secrets-manager.js";

/** One cached version of a secret: sealed, never in clear. */
export interface CacheEntry {
  readonly versionId: string;
  readonly sealed: SealedValue;
  /** When the store last confirmed this version (client clock, ms). */
  checkedAt: number;
  /** When the last check failed because the store was unreachable; cleared by a success. */
  failedAt?: number;
}

/**
 * The cache's entries by tenant, secret and stage. Its own object so a test (or a caller that
 * shares one cache between clients) can reach the sealed entries: they hold nothing in clear.
 */
export class SecretCache {
  readonly entries = new Map<string, CacheEntry>();

  static key(ref: SecretRef, stage: ReadStage): string {
    return `${ref.tenant}\u0000${ref.name}\u0000${stage}`;
  }
  get(ref: SecretRef, stage: ReadStage = "current"): CacheEntry | undefined {
    return this.entries.get(SecretCache.key(ref, stage));
  }
  set(ref: SecretRef, stage: ReadStage, entry: CacheEntry): void {
    this.entries.set(SecretCache.key(ref, stage), entry);
  }
  delete(ref: SecretRef, stage: ReadStage): void {
    this.entries.delete(SecretCache.key(ref, stage));
  }
}

/** A structured log line of the client: names and version ids, never a value. */
export interface ClientLogEvent {
  readonly level: "info" | "warn" | "error";
  readonly event:
    "version-changed" | "stale-served" | "refresh-failed" | "integrity-failed" | "unavailable";
  readonly tenant: string;
  readonly secret: string;
  readonly stage: ReadStage;
  readonly versionId?: string;
  /** The error's name and message (store errors carry codes, never values). */
  readonly error?: string;
  /** For stale-served: how long past its TTL the served value is (ms). */
  readonly staleForMs?: number;
}

export interface SecretClientOptions {
  /**
   * How long a cached value is served without asking the store, in ms.
   * @default 300000 - 5 minutes, the default TTL of AWS's Parameters and Secrets Lambda Extension (SECRETS_MANAGER_TTL)
   */
  readonly ttlMs?: number;
  /**
   * How long past its TTL a cached value is still served while the store cannot be reached
   * (stale-if-error, RFC 5861 §4), in ms; after that, SecretUnavailable.
   * @default 900000 - 15 minutes (three TTLs): our choice, long enough to ride out a regional blip
   */
  readonly maxStaleMs?: number;
  /**
   * After a failed check, how long stale reads are served without trying the store again, in ms.
   * @default 5000
   */
  readonly retryAfterMs?: number;
  /** The SDK configuration. @default - the environment's (AWS_REGION, AWS_ENDPOINT_URL, …) */
  readonly aws?: AwsConfig;
  /** Where values come from. @default - Secrets Manager, through `aws` */
  readonly source?: SecretSource;
  /** Where the cache's data keys come from. @default - KMS GenerateDataKey under alias/vaultpilot/<tenant>, through `aws` */
  readonly dataKeys?: DataKeySource;
  /** The cache's entries. @default - a new one */
  readonly cache?: SecretCache;
  /** Receives warnings and errors. @default - one JSON line on stderr per warn or error event; `false` for none */
  readonly log?: ((event: ClientLogEvent) => void) | false;
  /** The clock, in ms. @default Date.now */
  readonly now?: () => number;
}

export interface GetSecretOptions {
  /** This read's TTL in ms. @default - the client's ttlMs */
  readonly ttlMs?: number;
  /** This read's stale bound in ms. @default - the client's maxStaleMs */
  readonly maxStaleMs?: number;
  /** Which version: the current one, or the previous one (during a rotation's overlap). @default "current" */
  readonly stage?: ReadStage;
}

const defaultLog = (event: ClientLogEvent) => {
  if (event.level !== "info") process.stderr.write(`${JSON.stringify(event)}\n`);
};

/**
 * Reads secrets for a service and keeps them in memory, sealed with AES-256-GCM under a per-tenant
 * data key (see sealed-entry.ts). A fresh entry is opened and returned without any call; when its
 * TTL ends, one cheap version check (DescribeSecret) and a read only if the version moved.
 */
export class SecretClient {
  readonly cache: SecretCache;
  private readonly source: SecretSource;
  private readonly dataKeys: DataKeySource;
  private readonly keys = new Map<string, Buffer>();
  private readonly pendingKeys = new Map<string, Promise<Buffer>>();
  private readonly inflight = new Map<string, Promise<CacheEntry>>();
  private readonly ttlMs: number;
  private readonly maxStaleMs: number;
  private readonly retryAfterMs: number;
  private readonly log: (event: ClientLogEvent) => void;
  private readonly now: () => number;
  private closed = false;

  constructor(options: SecretClientOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxStaleMs = options.maxStaleMs ?? 900_000;
    this.retryAfterMs = options.retryAfterMs ?? 5_000;
    for (const [name, value] of Object.entries({
      ttlMs: this.ttlMs,
      maxStaleMs: this.maxStaleMs,
      retryAfterMs: this.retryAfterMs,
    })) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`${name} must be a number of milliseconds ≥ 0, got ${value}`);
      }
    }
    const aws = options.aws ?? awsConfigFromEnv(process.env);
    this.source =
      options.source ??
      new SecretsManagerSource(awsClient(SecretsManagerClient, "secretsmanager", aws));
    this.dataKeys = options.dataKeys ?? new KmsDataKeys(awsClient(KMSClient, "kms", aws));
    this.cache = options.cache ?? new SecretCache();
    this.log = options.log === false ? () => {} : (options.log ?? defaultLog);
    this.now = options.now ?? Date.now;
  }

  /** The value of `name` of `tenant` (text, or UTF-8 of a binary value), from the cache when fresh. */
  async getSecret(tenant: string, name: string, options: GetSecretOptions = {}): Promise<string> {
    const ref = { tenant, name };
    const stage = options.stage ?? "current";
    if (this.closed) throw new SecretUnavailable(tenant, name, "closed", "the client is closed");
    const ttl = options.ttlMs ?? this.ttlMs;
    const entry = this.cache.get(ref, stage);
    const now = this.now();
    if (entry && now - entry.checkedAt < ttl) return this.openEntry(ref, stage, entry);
    const staleBound = ttl + (options.maxStaleMs ?? this.maxStaleMs);
    // Within the retry pause after a failure, serve stale without knocking on the store again.
    if (
      entry?.failedAt !== undefined &&
      now - entry.failedAt < this.retryAfterMs &&
      now - entry.checkedAt < staleBound
    ) {
      return this.serveStale(ref, stage, entry, now - entry.checkedAt - ttl);
    }
    try {
      return this.openEntry(ref, stage, await this.refresh(ref, stage, entry));
    } catch (error) {
      if (error instanceof SecretIntegrityError || error instanceof SecretUnavailable) throw error;
      if (error instanceof SourceUnreachable && entry) {
        entry.failedAt = this.now();
        if (this.now() - entry.checkedAt < staleBound) {
          this.log({
            level: "warn",
            event: "refresh-failed",
            tenant,
            secret: name,
            stage,
            error: describe(error),
          });
          return this.serveStale(ref, stage, entry, this.now() - entry.checkedAt - ttl);
        }
      }
      const unavailable = toUnavailable(ref, error);
      this.log({
        level: "error",
        event: "unavailable",
        tenant,
        secret: name,
        stage,
        error: describe(error),
      });
      throw unavailable;
    }
  }

  /** Drops every entry and zeroes every data key; later reads throw SecretUnavailable ("closed"). */
  close(): void {
    this.closed = true;
    for (const key of this.keys.values()) key.fill(0);
    this.keys.clear();
    this.cache.entries.clear();
    this.source.close?.();
    this.dataKeys.close?.();
  }

  private serveStale(ref: SecretRef, stage: ReadStage, entry: CacheEntry, staleForMs: number) {
    this.log({
      level: "warn",
      event: "stale-served",
      tenant: ref.tenant,
      secret: ref.name,
      stage,
      versionId: entry.versionId,
      staleForMs,
    });
    return this.openEntry(ref, stage, entry);
  }

  /** One refresh per entry at a time: concurrent reads of an expired entry share it. */
  private refresh(
    ref: SecretRef,
    stage: ReadStage,
    entry: CacheEntry | undefined,
  ): Promise<CacheEntry> {
    const key = SecretCache.key(ref, stage);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.check(ref, stage, entry).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async check(
    ref: SecretRef,
    stage: ReadStage,
    entry: CacheEntry | undefined,
  ): Promise<CacheEntry> {
    if (entry) {
      const versionId = await this.source.versionAt(ref, stage);
      if (versionId === entry.versionId) {
        entry.checkedAt = this.now();
        delete entry.failedAt;
        return entry;
      }
    }
    const { versionId, value } = await this.source.read(ref, stage);
    const dataKey = await this.dataKey(ref.tenant);
    const binary = typeof value !== "string";
    const plaintext = binary ? Buffer.from(value) : Buffer.from(value, "utf8");
    const sealed = seal(dataKey, entryAad(ref.tenant, ref.name, versionId), plaintext, binary);
    plaintext.fill(0);
    if (binary) value.fill(0);
    const fresh: CacheEntry = { versionId, sealed, checkedAt: this.now() };
    if (this.closed)
      throw new SecretUnavailable(ref.tenant, ref.name, "closed", "the client is closed");
    this.cache.set(ref, stage, fresh);
    if (entry) {
      this.log({
        level: "info",
        event: "version-changed",
        tenant: ref.tenant,
        secret: ref.name,
        stage,
        versionId,
      });
    }
    return fresh;
  }

  private openEntry(ref: SecretRef, stage: ReadStage, entry: CacheEntry): string {
    const key = this.keys.get(ref.tenant);
    const plaintext =
      key && open(key, entryAad(ref.tenant, ref.name, entry.versionId), entry.sealed);
    if (!plaintext) {
      this.cache.delete(ref, stage);
      this.log({
        level: "error",
        event: "integrity-failed",
        tenant: ref.tenant,
        secret: ref.name,
        stage,
        versionId: entry.versionId,
      });
      throw new SecretIntegrityError(ref.tenant, ref.name);
    }
    const text = plaintext.toString("utf8");
    plaintext.fill(0);
    return text;
  }

  private async dataKey(tenant: string): Promise<Buffer> {
    const held = this.keys.get(tenant);
    if (held) return held;
    let pending = this.pendingKeys.get(tenant);
    if (!pending) {
      pending = this.dataKeys.dataKey(tenant).finally(() => this.pendingKeys.delete(tenant));
      this.pendingKeys.set(tenant, pending);
    }
    const key = await pending;
    if (this.closed) {
      key.fill(0);
      throw new SecretUnavailable(tenant, "(data key)", "closed", "the client is closed");
    }
    this.keys.set(tenant, key);
    return key;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function toUnavailable(ref: SecretRef, error: unknown): SecretUnavailable {
  const detail = describe(error);
  const reason =
    error instanceof SourceUnreachable
      ? "unreachable"
      : error instanceof SourceSecretNotFound
        ? "not-found"
        : "refused";
  return new SecretUnavailable(ref.tenant, ref.name, reason, detail, { cause: error });
}
