// npm run bench:drift: AWS calls and time of drift's live-state read against moto, for 2,000
// secrets over 100 tenants, beside the minimum and a naive per-secret DescribeSecret loop.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { importTypeScript } from "../scripts/import-typescript.mjs";
import { generatePolicies } from "./generate-policies.mjs";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);
const SECRETS = Number(process.env.BENCH_SECRETS ?? 20);
const CONCURRENCY = 8;

// The reader is TypeScript: bundle the parts the bench calls.
const lib = await importTypeScript(
  "drift-bench",
  `
      export { readLive } from "./actions/drift/drift-command.ts";
      export { accountClients, destroyClients } from "./cloud/aws/live/account-clients.ts";
      export { expectedState } from "./cloud/aws/expected.ts";
      export { checkDrift } from "./actions/drift/checks.ts";
      export { validatePolicies } from "./program/validate.ts";
      export { seedTenants } from "./test/drift/seed-from-model.ts";
    `,
);
const { ListSecretsCommand, DescribeSecretCommand } =
  await import("@aws-sdk/client-secrets-manager");
const { DescribeKeyCommand, GetKeyRotationStatusCommand } = await import("@aws-sdk/client-kms");

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
  stdio: "ignore",
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
  } catch {
    if (i > 600) throw new Error("moto did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}
const post = (path, body) =>
  fetch(`${endpoint}${path}`, {
    method: "POST",
    ...(body && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
const env = {
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
};
const quietIO = { stdout() {}, stderr() {}, isTTY: false, cwd: process.cwd(), env };

const dir = join(".bench", "drift-policies");
if (existsSync(dir)) rmSync(dir, { recursive: true });
generatePolicies(dir, { tenants: TENANTS, secrets: SECRETS, services: 2 });
const { model } = lib.validatePolicies(dir);
const generated = lib.expectedState(model);

function counter() {
  const calls = new Map();
  return {
    calls,
    onCall: (service, operation) => {
      const key = `${service}:${operation.replace(/Command$/, "")}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    },
    total: (service) =>
      [...calls]
        .filter(([k]) => !service || k.startsWith(`${service}:`))
        .reduce((n, [, v]) => n + v, 0),
  };
}

async function limit(items, n, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Drift's reader, as `vaultpilot drift` runs it. */
async function ours(tenants) {
  const count = counter();
  const start = performance.now();
  const live = await lib.readLive(
    tenants,
    { deep: false, concurrency: CONCURRENCY },
    { env, installation: "bench", onCall: count.onCall },
    quietIO,
  );
  const ms = performance.now() - start;
  const findings = lib.checkDrift(
    {
      tenants,
      knownTenants: new Set(tenants.map((t) => t.name)),
      declared: new Set(
        tenants.flatMap((t) => t.secrets.map((s) => `${t.account}/${t.region}/${s.name}`)),
      ),
      live,
    },
    { at: new Date(), graceHours: 24, stuckHours: 24, deep: false },
  );
  return { count, ms, findings: findings.length };
}

/** The same facts one secret at a time: DescribeSecret per secret, ListSecrets only to find unmanaged ones. */
async function naive(tenants) {
  const count = counter();
  const start = performance.now();
  const groups = new Map();
  for (const t of tenants)
    groups.set(`${t.account}/${t.region}`, [...(groups.get(`${t.account}/${t.region}`) ?? []), t]);
  for (const group of groups.values()) {
    const first = group[0];
    const clients = await lib.accountClients(
      { env, installation: "bench", onCall: count.onCall },
      { account: first.account, region: first.region, tenant: first.name },
    );
    let token;
    do {
      const page = await clients.secrets.send(
        new ListSecretsCommand({ MaxResults: 100, NextToken: token }),
      );
      token = page.NextToken;
    } while (token);
    await limit(
      group.flatMap((t) => t.secrets),
      CONCURRENCY,
      (s) => clients.secrets.send(new DescribeSecretCommand({ SecretId: s.name })),
    );
    await limit(group, CONCURRENCY, async (t) => {
      // DescribeKey resolves the alias itself, so the naive loop needs no ListAliases.
      const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: t.keyAlias }));
      await clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: KeyMetadata.KeyId }));
    });
    lib.destroyClients(clients);
  }
  return { count, ms: performance.now() - start };
}

const table = [];
for (const layout of ["one shared account", "one account per tenant"]) {
  const tenants =
    layout === "one shared account"
      ? generated.map((t) => ({ ...t, account: "111111111111", region: "us-east-1" }))
      : generated;
  await post("/moto-api/reset");
  await post("/moto-api/config", { lambda: { use_docker: false } });
  const seedStart = performance.now();
  await lib.seedTenants(endpoint, tenants, { value: "bench-value", concurrency: CONCURRENCY });
  const seedMs = performance.now() - seedStart;
  const accounts = new Set(tenants.map((t) => `${t.account}/${t.region}`)).size;
  const secrets = tenants.reduce((n, t) => n + t.secrets.length, 0);
  const pagesPerAccount = Math.max(1, Math.ceil(secrets / accounts / 100));
  const minimum = accounts * pagesPerAccount + accounts * 1 + 2 * tenants.length;
  const a = await ours(tenants);
  const b = await naive(tenants);
  const sts = (c) => c.count.total("sts");
  table.push({ layout, accounts, secrets, seedMs, minimum, a, b, sts });
  console.log(
    `\n${layout}: ${tenants.length} tenants, ${secrets} secrets, ${accounts} account(s); seeded in ${(seedMs / 1000).toFixed(1)} s`,
  );
  console.log(`  minimum (ListSecrets pages + ListAliases pages + 2 per tenant key): ${minimum}`);
  const line = (name, r) =>
    `  ${name.padEnd(28)} ${String(r.count.total() - sts(r)).padStart(5)} calls + ${String(sts(r)).padStart(3)} AssumeRole   ${(r.ms / 1000).toFixed(2).padStart(6)} s   ${[...r.count.calls].map(([k, v]) => `${k} ${v}`).join(", ")}`;
  console.log(line("drift (ListSecrets pages)", a));
  console.log(line("naive (DescribeSecret each)", b));
  console.log(
    `  drift / minimum: ${((a.count.total() - sts(a)) / minimum).toFixed(3)} × (${(a.count.total() / minimum).toFixed(3)} × with AssumeRole); ` +
      `naive / drift: ${(b.count.total() / a.count.total()).toFixed(2)} × the calls, ${(b.ms / a.ms).toFixed(1)} × the time; ` +
      `findings on the seeded state: ${a.findings}`,
  );
}
moto.kill("SIGTERM");
