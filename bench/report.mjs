// npm run bench:report: (1) the static compliance report of a 1,000-tenant repository against
// `validate` of the same repository, each as the whole command in its own process, in the same
// run; (2) the live report over 2,000 secrets in moto: its AWS calls beside drift's for the same
// tenants (they must be equal), and the whole `report --live` command's time.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { importTypeScript } from "../scripts/import-typescript.mjs";
import { generatePolicies } from "./generate-policies.mjs";

const STATIC = {
  tenants: Number(process.env.BENCH_TENANTS ?? 1000),
  secrets: Number(process.env.BENCH_SECRETS ?? 2),
  services: 2,
};
const LIVE = { tenants: Number(process.env.BENCH_LIVE_TENANTS ?? 100), secrets: 20, services: 2 };

/** Runs the CLI once in its own process: wall time, peak RSS (from /proc via GNU time when present), exit code. */
function command(args, env = {}) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["bin/vaultpilot.js", ...args], {
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, code: run.status, stdout: run.stdout, stderr: run.stderr.toString() };
}

// (1) Static: the repository is a git repository with one commit, as in CI.
const dir = join(".bench", "report-policies");
if (existsSync(dir)) rmSync(dir, { recursive: true });
const { documents, bytes } = generatePolicies(dir, STATIC);
const git = (...args) =>
  execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], {
    cwd: dir,
    stdio: "ignore",
  });
git("init", "-q", "-b", "main");
git("add", ".");
git("commit", "-q", "-m", "Generated policies (#1)");
console.log(
  `static: ${STATIC.tenants} tenants × ${STATIC.secrets} secrets × ${STATIC.services} services = ${documents} documents, ` +
    `${(bytes / 1024 / 1024).toFixed(1)} MiB, one commit`,
);
const validate = command(["validate", dir, "--format", "json"]);
const plan = command(["plan", dir, "--format", "json"]);
const report = command(["report", dir, "--format", "json"]);
const json = JSON.parse(report.stdout);
console.log(
  `  vaultpilot validate --format json: ${validate.ms.toFixed(0)} ms (exit ${validate.code})`,
);
console.log(`  vaultpilot plan --format json:     ${plan.ms.toFixed(0)} ms (exit ${plan.code})`);
console.log(
  `  vaultpilot report --format json:   ${report.ms.toFixed(0)} ms (exit ${report.code}), ${json.results.length} results, ` +
    `${(report.stdout.length / 1024 / 1024).toFixed(1)} MiB of JSON`,
);
console.log(
  `  ratio report / validate: ${(report.ms / validate.ms).toFixed(1)}; report / plan: ${(report.ms / plan.ms).toFixed(2)} ` +
    "(the static checks read the plan, so the report costs what the plan costs, plus the checks and git evidence)",
);
if (![0, 1].includes(report.code)) {
  console.error(report.stderr.slice(0, 2000));
  process.exitCode = 1;
}

// (2) Live: moto seeded as bench:drift seeds it, one account per tenant.
const lib = await importTypeScript(
  "report-bench",
  `
      export { readLive } from "./actions/drift/drift-command.ts";
      export { expectedState } from "./cloud/aws/expected.ts";
      export { readLiveTenants } from "./actions/report/live.ts";
      export { validatePolicies } from "./program/validate.ts";
      export { seedTenants } from "./test/drift/seed-from-model.ts";
    `,
);
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
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      if (i > 600) throw new Error("moto did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await fetch(`${endpoint}/moto-api/config`, {
    method: "POST",
    body: JSON.stringify({ lambda: { use_docker: false } }),
    headers: { "content-type": "application/json" },
  });
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
  };
  const liveDir = join(".bench", "report-live-policies");
  if (existsSync(liveDir)) rmSync(liveDir, { recursive: true });
  generatePolicies(liveDir, LIVE);
  const { model } = lib.validatePolicies(liveDir);
  const tenants = lib.expectedState(model);
  const seedStart = performance.now();
  await lib.seedTenants(endpoint, tenants, { value: "bench-value", concurrency: 8 });
  const secrets = tenants.reduce((n, t) => n + t.secrets.length, 0);
  console.log(
    `\nlive: ${tenants.length} tenants, ${secrets} secrets, ${tenants.length} accounts in moto; seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  const counter = () => {
    const calls = new Map();
    return {
      calls,
      onCall: (service, op) => {
        const key = `${service}:${op.replace(/Command$/, "")}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
      },
      total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    };
  };
  const drift = counter();
  let start = performance.now();
  await lib.readLive(
    tenants,
    { deep: false, concurrency: 8 },
    { env, installation: "default", onCall: drift.onCall },
    { stdout() {}, stderr() {}, isTTY: false, cwd: process.cwd(), env },
  );
  const driftMs = performance.now() - start;
  const ours = counter();
  start = performance.now();
  const read = await lib.readLiveTenants(
    model.tenants,
    { env, installation: "default", onCall: ours.onCall },
    8,
  );
  const oursMs = performance.now() - start;
  const errors = [...read.values()].filter((t) => "error" in t).length;
  const same =
    drift.calls.size === ours.calls.size &&
    [...drift.calls].every(([k, v]) => ours.calls.get(k) === v);
  const list = (c) => [...c.calls].map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(
    `  drift's reader:  ${drift.total()} calls, ${(driftMs / 1000).toFixed(2)} s: ${list(drift)}`,
  );
  console.log(
    `  report's reader: ${ours.total()} calls, ${(oursMs / 1000).toFixed(2)} s: ${list(ours)}`,
  );
  console.log(
    `  report calls / drift calls: ${(ours.total() / drift.total()).toFixed(3)} (${same ? "the same calls" : "DIFFERENT calls"}; target = 1.000); accounts not read: ${errors}`,
  );
  const whole = command(
    ["report", liveDir, "--live", "--framework", "fsbp", "--format", "json"],
    env,
  );
  const live = JSON.parse(whole.stdout);
  const liveResults = live.results.filter((r) => r.evidence.kind === "live");
  console.log(
    `  vaultpilot report --live --framework fsbp (whole command, plan included): ${(whole.ms / 1000).toFixed(1)} s, exit ${whole.code}, ` +
      `${liveResults.length} live results (${liveResults.filter((r) => r.status === "pass").length} pass)`,
  );
  if (!same || errors > 0) process.exitCode = 1;
} finally {
  moto.kill("SIGTERM");
}
