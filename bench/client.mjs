// npm run bench:client: the secret client (vaultpilot/client, dist/lib/client.js) against local
// moto. (1) cached getSecret latency, p50 / p99 / p99.9 over BENCH_CLIENT_READS reads (target
// p99 < 50 µs); (2) AES-256-GCM seal and open per entry; (3) AWS calls in one simulated hour at
// BENCH_CLIENT_RATE reads a second and a TTL of BENCH_CLIENT_TTL seconds (the client's clock is
// moved, the calls to moto are real; the secret rotates once, at half past), beside an uncached
// loop (one GetSecretValue per read, measured over BENCH_CLIENT_UNCACHED reads and its latency).
import { loadavg, cpus } from "node:os";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { importTypeScript } from "../scripts/import-typescript.mjs";
import { startMoto, MOTO_CREDENTIALS } from "./moto.mjs";

const reads = Number(process.env.BENCH_CLIENT_READS ?? 200_000);
const ratePerSecond = Number(process.env.BENCH_CLIENT_RATE ?? 50);
const ttlSeconds = Number(process.env.BENCH_CLIENT_TTL ?? 300);
const uncachedReads = Number(process.env.BENCH_CLIENT_UNCACHED ?? 500);

const { SecretClient } = await import("../dist/lib/client.js");
const { seal, open, entryAad } = await importTypeScript(
  "client-sealed-entry",
  `export { seal, open, entryAad } from "./client/sealed-entry.ts";`,
);

const load = loadavg().map((l) => l.toFixed(2));
const moto = await startMoto();
const aws = { ...MOTO_CREDENTIALS, endpoint: moto.endpoint };
const sm = new SecretsManagerClient(aws);
const kms = new KMSClient(aws);
// A database secret of the postgres type's shape (about 200 bytes).
const value = (n) =>
  JSON.stringify({
    engine: "postgres",
    host: "orders.cluster-abc.us-east-1.rds.amazonaws.com",
    port: 5432,
    username: "orders_app",
    password: `v${n}-Zq8wS4rT9yU2iO5pA1sD7fG3hJ6kL0xC`,
    dbname: "orders",
  });

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const us = (ns) => (Number(ns) / 1000).toFixed(2);

try {
  const key = await kms.send(new CreateKeyCommand({}));
  await kms.send(
    new CreateAliasCommand({
      AliasName: "alias/vaultpilot/acme",
      TargetKeyId: key.KeyMetadata.KeyId,
    }),
  );
  await sm.send(
    new CreateSecretCommand({ Name: "vaultpilot/acme/orders-db", SecretString: value(1) }),
  );

  // (1) Cached reads: every read after the first is served from the sealed cache.
  const hot = new SecretClient({ aws, ttlMs: 3_600_000, log: false });
  await hot.getSecret("acme", "orders-db");
  for (let i = 0; i < 20_000; i++) await hot.getSecret("acme", "orders-db");
  const times = new BigInt64Array(reads);
  for (let i = 0; i < reads; i++) {
    const start = process.hrtime.bigint();
    await hot.getSecret("acme", "orders-db");
    times[i] = process.hrtime.bigint() - start;
  }
  times.sort();
  const [p50, p99, p999] = [0.5, 0.99, 0.999].map((q) => quantile(times, q));
  hot.close();

  // (2) Seal and open of one entry, alone (the cached read above includes one open).
  const dataKey = Buffer.alloc(32, 7);
  const aad = entryAad("acme", "orders-db", "a1b2c3d4-0000-4000-8000-000000000000");
  const plaintext = Buffer.from(value(1));
  const rounds = 50_000;
  let sealed;
  let start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) sealed = seal(dataKey, aad, plaintext);
  const sealNs = (process.hrtime.bigint() - start) / BigInt(rounds);
  start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) open(dataKey, aad, sealed).fill(0);
  const openNs = (process.hrtime.bigint() - start) / BigInt(rounds);

  // (3) One simulated hour at the given rate and TTL: the clock moves, moto answers for real.
  const calls = {};
  let clock = 0;
  const timed = new SecretClient({
    aws: { ...aws, onCall: (_s, command) => (calls[command] = (calls[command] ?? 0) + 1) },
    ttlMs: ttlSeconds * 1000,
    log: false,
    now: () => clock,
  });
  const hourReads = Math.round(3600 * ratePerSecond);
  let rotated = false;
  let seen = 0;
  let last;
  for (let i = 0; i < hourReads; i++) {
    clock = (i / ratePerSecond) * 1000;
    if (!rotated && clock >= 1_800_000) {
      await sm.send(
        new PutSecretValueCommand({
          SecretId: "vaultpilot/acme/orders-db",
          SecretString: value(2),
        }),
      );
      rotated = true;
    }
    const v = await timed.getSecret("acme", "orders-db");
    if (v !== last) {
      seen++;
      last = v;
    }
  }
  timed.close();
  const cachedCalls = Object.values(calls).reduce((a, b) => a + b, 0);

  // The uncached loop: what a service without the client does, one GetSecretValue per read.
  const uncachedTimes = [];
  for (let i = 0; i < uncachedReads; i++) {
    const t0 = process.hrtime.bigint();
    await sm.send(new GetSecretValueCommand({ SecretId: "vaultpilot/acme/orders-db" }));
    uncachedTimes.push(process.hrtime.bigint() - t0);
  }
  uncachedTimes.sort((a, b) => (a < b ? -1 : 1));

  console.log(
    `bench:client (vaultpilot/client over local moto 5.2.1, Node ${process.version}, ${cpus().length} cores, load average ${load.join(" ")})`,
  );
  console.log(
    `cached getSecret, ${reads.toLocaleString("en-US")} reads: p50 ${us(p50)} µs, p99 ${us(p99)} µs (target < 50), p99.9 ${us(p999)} µs`,
  );
  console.log(
    `AES-256-GCM per entry (${plaintext.length}-byte value): seal ${us(sealNs)} µs, open ${us(openNs)} µs`,
  );
  console.log(
    `one hour at ${ratePerSecond} reads/s, TTL ${ttlSeconds} s, one rotation: ${hourReads.toLocaleString("en-US")} reads, ${cachedCalls} AWS calls (${Object.entries(
      calls,
    )
      .map(([c, n]) => `${c.replace(/Command$/, "")} ${n}`)
      .join(", ")}); versions seen ${seen}`,
  );
  console.log(
    `uncached loop: 1 GetSecretValue a read = ${hourReads.toLocaleString("en-US")} AWS calls an hour at the same rate (${(hourReads / cachedCalls).toFixed(0)}× the cached); GetSecretValue on local moto p50 ${(Number(quantile(uncachedTimes, 0.5)) / 1e6).toFixed(2)} ms, p99 ${(Number(quantile(uncachedTimes, 0.99)) / 1e6).toFixed(2)} ms over ${uncachedReads} reads`,
  );
  if (Number(p99) >= 50_000) process.exitCode = 1;
} finally {
  sm.destroy();
  kms.destroy();
  await moto.stop();
}
