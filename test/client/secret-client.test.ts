import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  KmsDataKeys,
  SecretClient,
  SecretIntegrityError,
  SecretUnavailable,
  signWebhook,
  type ClientLogEvent,
  type SecretClientOptions,
} from "../../client/index.js";
import { verifyWebhookSignature } from "../../client/webhook.js";
import { entryAad, open, seal } from "../../client/sealed-entry.js";
import { awsClient, type AwsConfig } from "../../cloud/aws/clients.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

const CANARY = "CANARY-7f3a9c-do-not-log";
const TTL = 60_000;
const MAX_STALE = 120_000;

let moto: MotoServer;
let sm: SecretsManagerClient;
let kms: KMSClient;

async function seedTenant(tenant: string): Promise<void> {
  const key = await kms.send(new CreateKeyCommand({}));
  await kms.send(
    new CreateAliasCommand({
      AliasName: `alias/vaultpilot/${tenant}`,
      TargetKeyId: key.KeyMetadata!.KeyId!,
    }),
  );
}
async function putSecret(tenant: string, name: string, value: string): Promise<void> {
  const id = `vaultpilot/${tenant}/${name}`;
  try {
    await sm.send(new CreateSecretCommand({ Name: id, SecretString: value }));
  } catch {
    await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
  }
}

/** A client on `endpoint` with a clock the test moves, counting every AWS call it makes. */
function harness(endpoint: string, extra: Partial<SecretClientOptions> = {}) {
  const calls: string[] = [];
  const logs: ClientLogEvent[] = [];
  let time = 1_000_000;
  const aws: AwsConfig = {
    ...MOTO_CREDENTIALS,
    endpoint,
    maxAttempts: 1,
    onCall: (_service, command) => calls.push(command.replace(/Command$/, "")),
  };
  const client = new SecretClient({
    aws,
    ttlMs: TTL,
    maxStaleMs: MAX_STALE,
    log: (event) => logs.push(event),
    now: () => time,
    ...extra,
  });
  return {
    client,
    calls,
    logs,
    advance: (ms: number) => (time += ms),
    count: (command: string) => calls.filter((c) => c === command).length,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  const config = { ...MOTO_CREDENTIALS, endpoint: moto.endpoint };
  sm = new SecretsManagerClient(config);
  kms = new KMSClient(config);
});
afterAll(async () => {
  sm?.destroy();
  kms?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await seedTenant("acme");
  await seedTenant("globex");
  await putSecret("acme", "orders-db", `{"password":"${CANARY}-v1"}`);
  await putSecret("globex", "orders-db", `{"password":"globex-v1"}`);
});

describe("SecretClient on Secrets Manager (moto)", () => {
  it("reads a secret once, then serves it from the cache with no AWS call until the TTL ends", async () => {
    const h = harness(moto.endpoint);

    expect(await h.client.getSecret("acme", "orders-db")).toBe(`{"password":"${CANARY}-v1"}`);
    expect(h.calls).toEqual(["GetSecretValue", "GenerateDataKey"]);
    for (let i = 0; i < 100; i++) await h.client.getSecret("acme", "orders-db");
    h.advance(TTL - 1);
    await h.client.getSecret("acme", "orders-db");

    expect(h.calls).toEqual(["GetSecretValue", "GenerateDataKey"]);
    h.client.close();
  });

  it("sees a rotation after the TTL: one DescribeSecret, and GetSecretValue only when AWSCURRENT moved", async () => {
    const h = harness(moto.endpoint);
    await h.client.getSecret("acme", "orders-db");
    await putSecret("acme", "orders-db", `{"password":"${CANARY}-v2"}`);

    const beforeTtl = await h.client.getSecret("acme", "orders-db");
    h.advance(TTL);
    const afterTtl = await h.client.getSecret("acme", "orders-db");
    h.advance(TTL);
    const unchanged = await h.client.getSecret("acme", "orders-db");

    expect(beforeTtl).toContain("-v1");
    expect(afterTtl).toContain("-v2");
    expect(unchanged).toContain("-v2");
    expect(h.calls).toEqual([
      "GetSecretValue",
      "GenerateDataKey",
      "DescribeSecret",
      "GetSecretValue",
      "DescribeSecret",
    ]);
    h.client.close();
  });

  it("shares one read among concurrent cold reads, and one data key per tenant", async () => {
    await putSecret("acme", "api-key", "k-1");
    const h = harness(moto.endpoint);

    const values = await Promise.all([
      ...Array.from({ length: 10 }, () => h.client.getSecret("acme", "orders-db")),
      h.client.getSecret("acme", "api-key"),
      h.client.getSecret("globex", "orders-db"),
    ]);

    expect(new Set(values.slice(0, 10)).size).toBe(1);
    expect(h.count("GetSecretValue")).toBe(3);
    expect(h.count("GenerateDataKey")).toBe(2);
    h.client.close();
  });

  it("asks KMS for a 256-bit data key under the tenant's alias with the client's encryption context", async () => {
    const inputs: unknown[] = [];
    const client = awsClient(KMSClient, "kms", { ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === "GenerateDataKeyCommand") inputs.push(args.input);
        return next(args);
      },
      { step: "initialize" },
    );
    const keys = new KmsDataKeys(client);

    const key = await keys.dataKey("acme");

    expect(key.length).toBe(32);
    expect(inputs).toEqual([
      {
        KeyId: "alias/vaultpilot/acme",
        KeySpec: "AES_256",
        EncryptionContext: { "vaultpilot:client": "secret-cache", "vaultpilot:tenant": "acme" },
      },
    ]);
    keys.close();
  });

  it("keeps entries only sealed: the cache holds no value in clear", async () => {
    const h = harness(moto.endpoint);
    await h.client.getSecret("acme", "orders-db");

    const entry = h.client.cache.get({ tenant: "acme", name: "orders-db" })!;

    expect(entry.sealed.iv.length).toBe(12);
    expect(entry.sealed.tag.length).toBe(16);
    expect(entry.sealed.ciphertext.includes(Buffer.from(CANARY))).toBe(false);
    h.client.close();
  });

  it("fails closed on a tampered ciphertext, drops the entry, and reads the store again next time", async () => {
    const h = harness(moto.endpoint);
    await h.client.getSecret("acme", "orders-db");
    const entry = h.client.cache.get({ tenant: "acme", name: "orders-db" })!;
    entry.sealed.ciphertext[0]! ^= 0x01;

    await expect(h.client.getSecret("acme", "orders-db")).rejects.toBeInstanceOf(
      SecretIntegrityError,
    );
    expect(h.client.cache.get({ tenant: "acme", name: "orders-db" })).toBeUndefined();
    expect(await h.client.getSecret("acme", "orders-db")).toContain("-v1");
    expect(h.count("GetSecretValue")).toBe(2);
    expect(h.logs.map((l) => l.event)).toEqual(["integrity-failed"]);
    h.client.close();
  });

  it("fails closed on a tampered tag or IV", async () => {
    const h = harness(moto.endpoint);
    for (const part of ["tag", "iv"] as const) {
      await h.client.getSecret("acme", "orders-db");
      h.client.cache.get({ tenant: "acme", name: "orders-db" })!.sealed[part][3]! ^= 0x80;

      await expect(h.client.getSecret("acme", "orders-db")).rejects.toBeInstanceOf(
        SecretIntegrityError,
      );
    }
    h.client.close();
  });

  it("refuses another tenant's entry in a tenant's slot (other key, other AAD)", async () => {
    const h = harness(moto.endpoint);
    await h.client.getSecret("acme", "orders-db");
    await h.client.getSecret("globex", "orders-db");
    const acme = h.client.cache.get({ tenant: "acme", name: "orders-db" })!;

    h.client.cache.set({ tenant: "globex", name: "orders-db" }, "current", { ...acme });

    await expect(h.client.getSecret("globex", "orders-db")).rejects.toBeInstanceOf(
      SecretIntegrityError,
    );
    h.client.close();
  });

  it("refuses another secret's entry of the same tenant (same key, other AAD)", async () => {
    await putSecret("acme", "api-key", "k-1");
    const h = harness(moto.endpoint);
    await h.client.getSecret("acme", "orders-db");
    await h.client.getSecret("acme", "api-key");
    const ordersDb = h.client.cache.get({ tenant: "acme", name: "orders-db" })!;

    h.client.cache.set({ tenant: "acme", name: "api-key" }, "current", {
      ...ordersDb,
      checkedAt: ordersDb.checkedAt,
    });

    await expect(h.client.getSecret("acme", "api-key")).rejects.toBeInstanceOf(
      SecretIntegrityError,
    );
    h.client.close();
  });

  it("says a secret that does not exist is unavailable (not-found), naming it", async () => {
    const h = harness(moto.endpoint);

    const error = await h.client.getSecret("acme", "missing").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretUnavailable);
    expect((error as SecretUnavailable).reason).toBe("not-found");
    expect((error as Error).message).toContain("missing");
    h.client.close();
  });

  it("zeroes its data keys on close and refuses reads afterwards", async () => {
    const handed: Buffer[] = [];
    const kmsKeys = new KmsDataKeys(
      awsClient(KMSClient, "kms", { ...MOTO_CREDENTIALS, endpoint: moto.endpoint }),
    );
    const h = harness(moto.endpoint, {
      dataKeys: {
        dataKey: async (tenant) => {
          const key = await kmsKeys.dataKey(tenant);
          handed.push(key);
          return key;
        },
        close: () => kmsKeys.close(),
      },
    });
    await h.client.getSecret("acme", "orders-db");
    await h.client.getSecret("globex", "orders-db");
    expect(handed.every((key) => key.some((byte) => byte !== 0))).toBe(true);

    h.client.close();

    expect(handed).toHaveLength(2);
    expect(handed.every((key) => key.every((byte) => byte === 0))).toBe(true);
    await expect(h.client.getSecret("acme", "orders-db")).rejects.toMatchObject({
      name: "SecretUnavailable",
      reason: "closed",
    });
  });
});

describe("SecretClient while Secrets Manager cannot be reached", () => {
  it("serves the cached value up to the stale bound with moto stopped, then raises SecretUnavailable", async () => {
    const own = await startMoto();
    const config = { ...MOTO_CREDENTIALS, endpoint: own.endpoint };
    const ownSm = new SecretsManagerClient(config);
    const ownKms = new KMSClient(config);
    const key = await ownKms.send(new CreateKeyCommand({}));
    await ownKms.send(
      new CreateAliasCommand({
        AliasName: "alias/vaultpilot/acme",
        TargetKeyId: key.KeyMetadata!.KeyId!,
      }),
    );
    await ownSm.send(
      new CreateSecretCommand({ Name: "vaultpilot/acme/orders-db", SecretString: `${CANARY}-v1` }),
    );
    ownSm.destroy();
    ownKms.destroy();
    const h = harness(own.endpoint, { retryAfterMs: 10_000 });
    await h.client.getSecret("acme", "orders-db");

    await own.stop();
    h.advance(TTL);
    const stale = await h.client.getSecret("acme", "orders-db");
    h.advance(5_000);
    const withinPause = await h.client.getSecret("acme", "orders-db");
    h.advance(MAX_STALE - 5_000 - 1);
    const lastStale = await h.client.getSecret("acme", "orders-db");
    h.advance(1);
    const error = await h.client.getSecret("acme", "orders-db").catch((e: unknown) => e);

    expect([stale, withinPause, lastStale]).toEqual([
      `${CANARY}-v1`,
      `${CANARY}-v1`,
      `${CANARY}-v1`,
    ]);
    expect(error).toBeInstanceOf(SecretUnavailable);
    expect((error as SecretUnavailable).reason).toBe("unreachable");
    // One check per retry pause: at the TTL, then past the pause at the last stale read and at the bound.
    expect(h.count("DescribeSecret")).toBe(3);
    expect(h.logs.map((l) => l.event)).toEqual([
      "refresh-failed",
      "stale-served",
      "stale-served",
      "refresh-failed",
      "stale-served",
      "unavailable",
    ]);
    for (const text of [
      JSON.stringify(h.logs),
      String(error),
      (error as Error).stack ?? "",
      String((error as Error).cause),
    ]) {
      expect(text).not.toContain(CANARY);
    }
    h.client.close();
  }, 120_000);
});

describe("the canary", () => {
  it("never appears in a log line or an error, whatever fails", async () => {
    const h = harness(moto.endpoint);
    const errors: unknown[] = [];
    await h.client.getSecret("acme", "orders-db");
    h.client.cache.get({ tenant: "acme", name: "orders-db" })!.sealed.ciphertext[1]! ^= 1;
    errors.push(await h.client.getSecret("acme", "orders-db").catch((e: unknown) => e));
    errors.push(await h.client.getSecret("acme", "nope").catch((e: unknown) => e));
    const webhook = await verifyWebhookSignature(
      h.client,
      "acme",
      "orders-db",
      {
        payload: "{}",
        timestamp: 1000,
        signature: "0".repeat(64),
      },
      1_000_000,
    );
    h.client.close();
    errors.push(await h.client.getSecret("acme", "orders-db").catch((e: unknown) => e));

    expect(errors.map((e) => (e as Error).name)).toEqual([
      "SecretIntegrityError",
      "SecretUnavailable",
      "SecretUnavailable",
    ]);
    expect(webhook).toEqual({ valid: false, reason: "signature" });
    const text = [
      JSON.stringify(h.logs),
      ...errors.flatMap((e) => [
        String(e),
        (e as Error).stack,
        String((e as Error).cause),
        JSON.stringify(e),
      ]),
      JSON.stringify(webhook),
    ].join("\n");
    expect(h.logs.length).toBeGreaterThan(0);
    expect(text).not.toContain(CANARY);
  });
});

describe("verifyWebhookSignature", () => {
  const NOW = 1_900_000_000_000;
  const ts = Math.floor(NOW / 1000);

  it("accepts the current signing secret, and the previous one (AWSPREVIOUS) only during the overlap", async () => {
    await putSecret("acme", "hooks", JSON.stringify({ signingSecret: "old-secret" }));
    await putSecret(
      "acme",
      "hooks",
      JSON.stringify({
        signingSecret: "new-secret",
        previousSigningSecret: "old-secret",
        previousValidUntil: new Date(NOW + 3_600_000).toISOString(),
      }),
    );
    const h = harness(moto.endpoint);
    const signed = (secret: string, at = ts) => ({
      payload: '{"event":"rotated"}',
      timestamp: at,
      signature: `sha256=${signWebhook(secret, at, '{"event":"rotated"}')}`,
    });

    const withNew = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      signed("new-secret"),
      NOW,
    );
    const withOld = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      signed("old-secret"),
      NOW,
    );
    const afterOverlap = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      signed("old-secret", ts + 3_601),
      NOW + 3_601_000,
    );
    const other = await verifyWebhookSignature(h.client, "acme", "hooks", signed("guess"), NOW);
    const bodyChanged = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      { ...signed("new-secret"), payload: '{"event":"other"}' },
      NOW,
    );

    expect(withNew).toEqual({ valid: true, stage: "current" });
    expect(withOld).toEqual({ valid: true, stage: "previous" });
    expect(afterOverlap).toEqual({ valid: false, reason: "signature" });
    expect(other).toEqual({ valid: false, reason: "signature" });
    expect(bodyChanged).toEqual({ valid: false, reason: "signature" });
    // The previous version was read once (by stage) and then served from the cache.
    expect(h.count("GetSecretValue")).toBe(2);
    h.client.close();
  });

  it("refuses an old timestamp and a malformed signature before reading anything", async () => {
    await putSecret("acme", "hooks", "plain-secret");
    const h = harness(moto.endpoint);
    const signature = signWebhook("plain-secret", ts - 301, "body");

    const old = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      { payload: "body", timestamp: ts - 301, signature },
      NOW,
    );
    const malformed = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      { payload: "body", timestamp: ts, signature: "xyz" },
      NOW,
    );
    const plain = await verifyWebhookSignature(
      h.client,
      "acme",
      "hooks",
      { payload: "body", timestamp: ts, signature: signWebhook("plain-secret", ts, "body") },
      NOW,
    );

    expect(old).toEqual({ valid: false, reason: "timestamp" });
    expect(malformed).toEqual({ valid: false, reason: "malformed" });
    expect(plain).toEqual({ valid: true, stage: "current" });
    h.client.close();
  });
});

describe("sealed entries", () => {
  const key = Buffer.alloc(32, 7);
  const sealed = seal(key, entryAad("acme", "orders-db", "v1"), Buffer.from("s3cret"));

  it("open with the same key and AAD", () => {
    expect(open(key, entryAad("acme", "orders-db", "v1"), sealed)?.toString()).toBe("s3cret");
  });

  it("fail closed under another tenant's, secret's or version's AAD, or another key", () => {
    expect(open(key, entryAad("globex", "orders-db", "v1"), sealed)).toBeUndefined();
    expect(open(key, entryAad("acme", "api-key", "v1"), sealed)).toBeUndefined();
    expect(open(key, entryAad("acme", "orders-db", "v2"), sealed)).toBeUndefined();
    expect(open(Buffer.alloc(32, 8), entryAad("acme", "orders-db", "v1"), sealed)).toBeUndefined();
  });

  it("use a new random IV for every seal", () => {
    const ivs = new Set(
      Array.from({ length: 100 }, () =>
        seal(key, entryAad("a", "b", "c"), Buffer.from("x")).iv.toString("hex"),
      ),
    );
    expect(ivs.size).toBe(100);
  });

  it("keep the tenant, name and version apart in the AAD (no ambiguous joins)", () => {
    expect(entryAad("ab", "c", "v").equals(entryAad("a", "bc", "v"))).toBe(false);
  });
});
