import { randomInt } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import {
  ClaimHeld,
  SecretNotFound,
  VersionConflict,
  type Claim,
  type SecretDescription,
  type SecretStore,
  type Stage,
  type VersionInfo,
} from "../ports.js";
import { VaultClient, VaultError, type VaultClientOptions } from "./client.js";
import type { VaultStoreConfig } from "./config.js";

// KV v2 numbers its versions 1, 2, 3...; the engine names them (UUIDs). The names, the stages and
// the claim live in the secret's custom_metadata, written whole with `metadata_cas` (OpenBao 2.x:
// the write is refused unless current_metadata_version is still the one read), so of two writers
// that read the same metadata only one changes it. Values are written with `options.cas`.

/** The custom_metadata keys, one per stage: the value is the version's id. */
export const STAGE_KEYS: Readonly<Record<Stage, string>> = {
  current: "vaultpilot-current",
  pending: "vaultpilot-pending",
  previous: "vaultpilot-previous",
};
/** `<expires ms>-<run>`: the claim's holder and expiry; the whole text is the claim's `ref`. */
export const CLAIM_KEY = "vaultpilot-claim";
const VERSION_KEY = "vaultpilot-version-";
/**
 * KV v2 allows 64 custom_metadata keys (Vault's KV v2 docs, "custom_metadata": "a maximum of 64
 * keys"): the stages and the claim take 4, version ids at most this many (older ones are dropped
 * as KV's max_versions drops their versions).
 */
const MAX_VERSION_KEYS = 50;
/** Re-reads after a metadata write lost to another writer, for writes whose check still holds. */
const METADATA_ATTEMPTS = 5;

/** The metadata of one secret as the store reads it. */
export interface KvMetadata {
  readonly currentVersion: number;
  readonly metadataVersion: number;
  readonly custom: Readonly<Record<string, string>>;
  /** Live versions (neither deleted nor destroyed), oldest first. */
  readonly versions: readonly { readonly number: number; readonly created?: Date }[];
}

interface MetadataAnswer {
  data: {
    current_version: number;
    current_metadata_version?: number;
    custom_metadata: Record<string, string> | null;
    versions: Record<string, { created_time: string; deletion_time: string; destroyed: boolean }>;
  };
}

/** The server's KV v2 has no metadata check-and-set: refused, with what to use instead. */
export class MetadataCasUnsupported extends Error {
  override name = "MetadataCasUnsupported";
  constructor(address: string) {
    super(
      `the KV v2 engine at ${address} has no metadata check-and-set (its metadata has no current_metadata_version; HashiCorp Vault lacks it): two rotations could both take a secret's claim; use OpenBao 2.x`,
    );
  }
}

/** The id a KV version goes by: the one the engine gave it, else `kv-<n>` (written by others). */
export function versionIdOf(meta: KvMetadata, n: number): string {
  return meta.custom[`${VERSION_KEY}${n}`] ?? `kv-${n}`;
}

/** The version holding `stage`; without a current stage of ours, the latest KV version. */
export function stageHolder(meta: KvMetadata, stage: Stage): string | undefined {
  const held = meta.custom[STAGE_KEYS[stage]];
  if (held) return held;
  if (stage === "current" && meta.currentVersion > 0) {
    const latest = meta.versions.find((v) => v.number === meta.currentVersion);
    return latest ? versionIdOf(meta, latest.number) : undefined;
  }
  return undefined;
}

/** The KV version number of a version id (the newest when several carry it). */
export function kvNumberOf(meta: KvMetadata, versionId: string): number | undefined {
  return [...meta.versions].reverse().find((v) => versionIdOf(meta, v.number) === versionId)
    ?.number;
}

export function parseClaim(ref: string | undefined): Claim | undefined {
  const match = ref ? /^(\d{13})-([0-9a-z]{8,40})$/.exec(ref) : null;
  return match ? { expires: new Date(Number(match[1])), run: match[2]!, ref: ref! } : undefined;
}

/**
 * The KV v2 reads that need no rotation: metadata (stages, version ids, no values) and one
 * version's value. The client library's vault source and `versions`/`drift` use these.
 */
export class KvReader {
  constructor(
    readonly client: VaultClient,
    readonly mount: string,
  ) {}

  /** The secret's metadata; undefined when it does not exist. */
  async metadata(path: string): Promise<KvMetadata | undefined> {
    const answer = await this.client.call<MetadataAnswer>(
      "GET",
      `${this.mount}/metadata/${path}`,
      undefined,
      { missingOk: true },
    );
    if (!answer) return undefined;
    const data = answer.data;
    if (typeof data.current_metadata_version !== "number")
      throw new MetadataCasUnsupported(this.client.config.address);
    return {
      currentVersion: data.current_version,
      metadataVersion: data.current_metadata_version,
      custom: data.custom_metadata ?? {},
      versions: Object.entries(data.versions ?? {})
        .filter(([, v]) => !v.destroyed && !v.deletion_time)
        .map(([n, v]) => ({
          number: Number(n),
          ...(v.created_time && { created: new Date(v.created_time) }),
        }))
        .sort((a, b) => a.number - b.number),
    };
  }

  /** The value of KV version `n` as JSON text; undefined when it has none. */
  async data(path: string, n: number): Promise<string | undefined> {
    const answer = await this.client.call<{ data: { data: Record<string, unknown> | null } }>(
      "GET",
      `${this.mount}/data/${path}?version=${n}`,
      undefined,
      { missingOk: true },
    );
    const data = answer?.data.data;
    return data ? JSON.stringify(data) : undefined;
  }

  /** The value a stage names (current by default), with its version id; the client's read. */
  async read(
    path: string,
    stage: Stage = "current",
  ): Promise<{ versionId: string; value: string } | undefined> {
    const meta = await this.metadata(path);
    const versionId = meta && stageHolder(meta, stage);
    const n = meta && versionId ? kvNumberOf(meta, versionId) : undefined;
    if (n === undefined || !versionId) return undefined;
    const value = await this.data(path, n);
    return value === undefined ? undefined : { versionId, value };
  }
}

/**
 * OpenBao KV v2 behind the SecretStore port. `secretId` is the secret's path under the mount
 * (`<pathPrefix>/<name>`). Values are JSON objects, stored as the KV version's fields, so
 * `bao kv get -field=password` reads them as Vault users expect.
 */
export function vaultKvStore(
  config: Pick<VaultStoreConfig, "address" | "mount" | "auth" | "namespace">,
  options: VaultClientOptions & { client?: VaultClient } = {},
): SecretStore & { readonly reader: KvReader } {
  const client = options.client ?? new VaultClient(config, options);
  const reader = new KvReader(client, config.mount);
  const now = options.now ?? Date.now;

  const metadataOf = async (secretId: string) => {
    const meta = await reader.metadata(secretId);
    if (!meta) throw new SecretNotFound(secretId);
    return meta;
  };

  const isCasMismatch = (error: unknown) =>
    error instanceof VaultError &&
    error.status === 400 &&
    error.errors.some((e) => e.includes("check-and-set"));

  /** Writes the whole custom_metadata if it is still at the version read; false when it lost. */
  const writeCustom = async (
    secretId: string,
    meta: KvMetadata,
    custom: Record<string, string>,
  ): Promise<boolean> => {
    const live = new Set(meta.versions.map((v) => v.number));
    const kept = Object.entries(custom).filter(
      ([key]) => !key.startsWith(VERSION_KEY) || live.has(Number(key.slice(VERSION_KEY.length))),
    );
    const versionKeys = kept.filter(([key]) => key.startsWith(VERSION_KEY));
    const dropped = new Set(
      versionKeys
        .map(([key]) => Number(key.slice(VERSION_KEY.length)))
        .sort((a, b) => a - b)
        .slice(0, Math.max(0, versionKeys.length - MAX_VERSION_KEYS))
        .map((n) => `${VERSION_KEY}${n}`),
    );
    try {
      await client.call("POST", `${config.mount}/metadata/${secretId}`, {
        custom_metadata: Object.fromEntries(kept.filter(([key]) => !dropped.has(key))),
        metadata_cas: meta.metadataVersion,
      });
      return true;
    } catch (error) {
      if (isCasMismatch(error)) return false;
      throw error;
    }
  };

  /**
   * Applies `change` to fresh metadata until a write wins. `change` re-checks its precondition on
   * each read (throwing VersionConflict when it no longer holds) and returns the new map, or
   * undefined when there is nothing to write.
   */
  const updateCustom = async (
    secretId: string,
    change: (meta: KvMetadata) => Record<string, string> | undefined,
  ): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const meta = await metadataOf(secretId);
      const next = change(meta);
      if (!next) return;
      if (await writeCustom(secretId, meta, next)) return;
      if (attempt >= METADATA_ATTEMPTS)
        throw new VersionConflict(`${secretId}: its metadata kept changing meanwhile`);
    }
  };

  const parseObject = (secretId: string, value: string): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`a value for ${secretId} is not JSON; the vault store keeps JSON objects`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error(`a value for ${secretId} is not a JSON object; KV v2 keeps fields`);
    return parsed as Record<string, unknown>;
  };

  const stagesOf = (meta: KvMetadata, versionId: string): Stage[] =>
    (Object.keys(STAGE_KEYS) as Stage[]).filter((s) => stageHolder(meta, s) === versionId);

  return {
    reader,

    stageName: (stage) => `${stage} (custom_metadata ${STAGE_KEYS[stage]})`,

    async describe(secretId, options = {}): Promise<SecretDescription> {
      const meta = await metadataOf(secretId);
      const seen = new Set<string>();
      const versions: VersionInfo[] = [];
      for (const v of [...meta.versions].reverse()) {
        const versionId = versionIdOf(meta, v.number);
        if (seen.has(versionId)) continue;
        seen.add(versionId);
        const stages = stagesOf(meta, versionId);
        if (!options.allVersions && stages.length === 0) continue;
        versions.push({
          versionId,
          stages,
          ...(options.allVersions && v.created && { created: v.created }),
        });
      }
      versions.reverse();
      const claim = parseClaim(meta.custom[CLAIM_KEY]);
      return {
        arn: `${config.mount}/${secretId}`,
        name: secretId,
        // Nothing in the store rotates on its own: `vaultpilot rotate` runs on the user's schedule.
        rotationEnabled: false,
        versions,
        ...(claim && { claim }),
      };
    },

    async value(secretId, select) {
      const meta = await reader.metadata(secretId);
      if (!meta) return undefined;
      const holder = select.stage ? stageHolder(meta, select.stage) : undefined;
      if (select.stage && (!holder || (select.versionId && select.versionId !== holder)))
        return undefined;
      const versionId = select.versionId ?? holder;
      const n = versionId ? kvNumberOf(meta, versionId) : undefined;
      return n === undefined ? undefined : reader.data(secretId, n);
    },

    async putPending(secretId, versionId, value) {
      const fields = parseObject(secretId, value);
      const meta = await metadataOf(secretId);
      const existing = kvNumberOf(meta, versionId);
      // Before anything names a stage, current is the latest version: written down explicitly
      // before a new version becomes the latest.
      const currentBefore = stageHolder(meta, "current");
      if (existing !== undefined) {
        const stored = await reader.data(secretId, existing);
        if (stored === undefined || !isDeepStrictEqual(JSON.parse(stored), fields))
          throw new VersionConflict(
            `${secretId}: version ${versionId} exists with another value; versions are immutable`,
          );
      }
      let key: string | undefined;
      if (existing === undefined) {
        // cas: the write lands only on the version read, so no other write slips in between.
        let written: { data: { version: number } } | undefined;
        try {
          written = await client.call<{ data: { version: number } }>(
            "POST",
            `${config.mount}/data/${secretId}`,
            { options: { cas: meta.currentVersion }, data: fields },
          );
        } catch (error) {
          if (isCasMismatch(error))
            throw new VersionConflict(`${secretId}: another version was written meanwhile`);
          throw error;
        }
        key = `${VERSION_KEY}${written!.data.version}`;
      }
      await updateCustom(secretId, (fresh) => {
        if (!key && fresh.custom[STAGE_KEYS.pending] === versionId) return undefined;
        const current = fresh.custom[STAGE_KEYS.current] ?? currentBefore;
        return {
          ...fresh.custom,
          ...(current && { [STAGE_KEYS.current]: current }),
          ...(key && { [key]: versionId }),
          [STAGE_KEYS.pending]: versionId,
        };
      });
    },

    async promote(secretId, versionId, from) {
      const meta = await metadataOf(secretId);
      const check = (fresh: KvMetadata) => {
        const current = stageHolder(fresh, "current");
        if (current !== from)
          throw new VersionConflict(
            `${secretId}: current is ${current ?? "nothing"}, not ${from}; nothing was changed`,
          );
        const n = kvNumberOf(fresh, versionId);
        if (n === undefined)
          throw new VersionConflict(`${secretId}: version ${versionId} does not exist`);
        return n;
      };
      const n = check(meta);
      if (from === versionId) return;
      // KV's latest version is what `bao kv get` and most Vault clients read: going back to an
      // older version (a rollback) writes its value again as the latest, under the same id.
      let key: string | undefined;
      if (n !== meta.currentVersion) {
        const value = await reader.data(secretId, n);
        if (value === undefined)
          throw new VersionConflict(`${secretId}: version ${versionId} has no value`);
        try {
          const written = await client.call<{ data: { version: number } }>(
            "POST",
            `${config.mount}/data/${secretId}`,
            { options: { cas: meta.currentVersion }, data: JSON.parse(value) as object },
          );
          key = `${VERSION_KEY}${written!.data.version}`;
        } catch (error) {
          if (isCasMismatch(error))
            throw new VersionConflict(`${secretId}: another version was written meanwhile`);
          throw error;
        }
      }
      await updateCustom(secretId, (fresh) => {
        check(fresh);
        return {
          ...fresh.custom,
          ...(key && { [key]: versionId }),
          [STAGE_KEYS.current]: versionId,
          [STAGE_KEYS.previous]: from,
        };
      });
    },

    async clearPending(secretId, versionId) {
      await updateCustom(secretId, (meta) => {
        if (meta.custom[STAGE_KEYS.pending] !== versionId)
          throw new VersionConflict(`${secretId}: version ${versionId} is not pending`);
        return withoutKey(meta.custom, STAGE_KEYS.pending);
      });
    },

    async claim(secretId, { run, ttlMs, seen }) {
      const meta = await metadataOf(secretId);
      const held = parseClaim(meta.custom[CLAIM_KEY]);
      const live = (c: Claim | undefined): boolean =>
        c !== undefined && c.run !== run && c.expires.getTime() > now();
      if (seen && live(seen)) throw new ClaimHeld(secretId, seen);
      if (held?.ref !== seen?.ref) {
        if (held && live(held)) throw new ClaimHeld(secretId, held);
        if (held && held.run !== run)
          throw new VersionConflict(`${secretId}: the claim changed since it was seen`);
      }
      const expires = new Date(now() + ttlMs);
      const ref = `${String(expires.getTime()).padStart(13, "0")}-${run}`;
      if (await writeCustom(secretId, meta, { ...meta.custom, [CLAIM_KEY]: ref })) {
        return { run, expires, ref };
      }
      const taken = parseClaim((await metadataOf(secretId)).custom[CLAIM_KEY]);
      if (taken && taken.run !== run) throw new ClaimHeld(secretId, taken);
      throw new VersionConflict(`${secretId}: its metadata changed while the claim was taken`);
    },

    async release(secretId, claim) {
      await updateCustom(secretId, (meta) => {
        // Taken over after it expired: it is no longer ours to give up.
        if (meta.custom[CLAIM_KEY] !== claim.ref) return undefined;
        return withoutKey(meta.custom, CLAIM_KEY);
      });
    },

    async randomPassword(policy) {
      return drawPassword(policy);
    },
  };
}

function withoutKey(map: Readonly<Record<string, string>>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));
}

const CLASSES = [
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  "abcdefghijklmnopqrstuvwxyz",
  "0123456789",
  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
];

/**
 * A password drawn here with the platform's CSPRNG (crypto.randomInt), as Secrets Manager's
 * GetRandomPassword draws one: `length` characters of the printable ASCII classes less `exclude`,
 * with at least one of each class that remains (its RequireEachIncludedType).
 */
export function drawPassword(policy: { length: number; exclude: string }): string {
  const classes = CLASSES.map((c) => [...c].filter((ch) => !policy.exclude.includes(ch))).filter(
    (c) => c.length > 0,
  );
  const all = classes.flat();
  if (all.length === 0 || policy.length < classes.length)
    throw new Error(`no password of ${policy.length} characters fits the policy`);
  const chars = classes.map((c) => c[randomInt(c.length)]!);
  while (chars.length < policy.length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}
