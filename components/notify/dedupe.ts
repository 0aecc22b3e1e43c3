import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AwsClients } from "../rotation/aws/clients.js";
import { DEDUPE_TAG } from "../../program/notifications.js";

/**
 * What was sent when, so the same notification is not sent again within the window. Keys are
 * hashes (never names of secrets or routes in clear, in files or tags); times are epoch ms.
 */
export interface DedupeStore {
  /** When `key` was last sent, if ever. */
  lastSent(key: string): Promise<number | undefined>;
  record(key: string, at: number): Promise<void>;
}

/** A short, stable key of the parts that make two notifications "the same". */
export function dedupeKey(parts: readonly (string | undefined)[]): string {
  return createHash("sha256")
    .update(parts.map((p) => p ?? "").join("\u0000"))
    .digest("hex")
    .slice(0, 16);
}

/** Entries older than this are dropped on write: no window is longer. */
const KEEP_MS = 7 * 24 * 3_600_000;

/**
 * A JSON file of key → time (the CLI's `.vaultpilot/notifications.json`), mode 600, replaced
 * atomically (write, then rename) so that a crash never leaves half a file.
 */
export function fileDedupe(path: string): DedupeStore {
  const read = (): Record<string, number> => {
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
      return typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, number>)
        : {};
    } catch {
      return {};
    }
  };
  return {
    lastSent: async (key) => read()[key],
    record: async (key, at) => {
      const entries = Object.fromEntries(
        Object.entries(read()).filter(([, t]) => typeof t === "number" && at - t < KEEP_MS),
      );
      entries[key] = at;
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}

// The function has no disk that lasts between invocations: it remembers on the secret's tag.
export { DEDUPE_TAG };
/** A tag value holds at most 256 characters: `<16 hex>=<epoch s>` entries, `;`-separated. */
const TAG_VALUE_MAX = 256;

/** Remembers on the secret's own tag, read with DescribeSecret and written with TagResource. */
export function secretTagDedupe(clients: AwsClients, secretId: string): DedupeStore {
  const read = async (): Promise<Map<string, number>> => {
    const { DescribeSecretCommand } = await import("@aws-sdk/client-secrets-manager");
    const described = await clients
      .secretsManager()
      .send(new DescribeSecretCommand({ SecretId: secretId }));
    const value = described.Tags?.find((t) => t.Key === DEDUPE_TAG)?.Value ?? "";
    const entries = new Map<string, number>();
    for (const entry of value.split(";")) {
      const [key, seconds] = entry.split("=");
      if (key && seconds && /^[0-9]+$/.test(seconds)) entries.set(key, Number(seconds) * 1000);
    }
    return entries;
  };
  return {
    lastSent: async (key) => (await read()).get(key),
    record: async (key, at) => {
      const entries = await read();
      entries.delete(key);
      // Newest first; the oldest fall off when the tag is full.
      const kept = [[key, at] as const, ...[...entries].sort((a, b) => b[1] - a[1])].filter(
        ([, t]) => at - t < KEEP_MS,
      );
      let value = "";
      for (const [k, t] of kept) {
        const entry = `${k}=${Math.floor(t / 1000)}`;
        const next = value ? `${value};${entry}` : entry;
        if (next.length > TAG_VALUE_MAX) break;
        value = next;
      }
      const { TagResourceCommand } = await import("@aws-sdk/client-secrets-manager");
      await clients
        .secretsManager()
        .send(
          new TagResourceCommand({ SecretId: secretId, Tags: [{ Key: DEDUPE_TAG, Value: value }] }),
        );
    },
  };
}
