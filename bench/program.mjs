// npm run bench:program — time and peak memory of the Pulumi program under mocks, and of
// `vaultpilot plan` (validate + program + diff + JSON), for 10 and 100 tenants (BENCH_TENANTS=10,100,1000
// for more) with 20
// secrets and 10 services each. Policy trees are generated under .bench/ (not committed). Each
// measurement runs in a fresh Node process so peak memory (max RSS) is its own.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".bench", "program");
const sizes = (process.env.BENCH_TENANTS ?? "10,100").split(",").map(Number);
const TYPES = ["postgres", "mysql", "api-key", "webhook", "aws-iam-key", "generic"];
const RUNTIMES = ["ecs", "lambda", "kubernetes", "ec2"];

function generate(dir, tenants) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "tenants"), { recursive: true });
  writeFileSync(
    join(dir, "schedules.yaml"),
    `apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: monthly\nspec:\n  every: 30d\n  window: { start: "02:00", duration: 3h }\n---\napiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: quarterly\nspec:\n  every: 90d\n`,
  );
  for (let t = 0; t < tenants; t++) {
    const name = `tenant-${String(t).padStart(4, "0")}`;
    const docs = [
      `apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: ${name}\nspec:\n  plan: enterprise\n  aws: { account: "${String(100000000000 + t)}", region: us-east-1 }\n`,
    ];
    for (let s = 0; s < 10; s++) {
      docs.push(
        `apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: svc-${s}\n  tenant: ${name}\nspec:\n  runtime: ${RUNTIMES[s % 4]}\n`,
      );
    }
    for (let s = 0; s < 20; s++) {
      docs.push(
        `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: secret-${s}\n  tenant: ${name}\nspec:\n  type: ${TYPES[s % 6]}\n  schedule: ${s % 2 ? "monthly" : "quarterly"}\n  consumers: [svc-${s % 10}, svc-${(s + 3) % 10}]\n`,
      );
    }
    writeFileSync(join(dir, "tenants", `${name}.yaml`), docs.join("---\n"));
  }
}

// The plan's modules bundled once (packages external), so the worker needs no TypeScript loader.
await build({
  absWorkingDir: root,
  entryPoints: {
    "program-run": "actions/plan/program-run.ts",
    "plan-command": "actions/plan/plan-command.ts",
    validate: "program/validate.ts",
    json: "actions/plan/formats/json.ts",
    settings: "program/pulumi/settings.ts",
  },
  outdir: join(work, "lib"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  logLevel: "warning",
});
writeFileSync(
  join(work, "lib", "worker.mjs"),
  `const [mode, dir] = process.argv.slice(2);
const { validatePolicies } = await import("./validate.js");
const { readStackSettings } = await import("./settings.js");
const settings = readStackSettings("bench", () => undefined);
let resources = 0;
const start = performance.now();
if (mode === "program") {
  const model = validatePolicies(dir).model;
  const t0 = performance.now();
  const { runProgram } = await import("./program-run.js");
  const run = await runProgram(model, settings);
  resources = run.resources.length;
  console.log(JSON.stringify({ ms: performance.now() - t0, resources, rssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const { plan } = await import("./plan-command.js");
  const { formatJson } = await import("./json.js");
  const result = await plan({ root: dir, settings });
  const bytes = formatJson(result).length;
  resources = result.head.resources.length;
  console.log(JSON.stringify({ ms: performance.now() - start, resources, bytes, rssMB: process.resourceUsage().maxRSS / 1024 }));
}
`,
);

const node = process.execPath;
// Pulumi under mocks holds every resource of a run until it ends; runProgram runs slices of
// tenants, so 1,000 tenants (167,000 resources) peak at about 3.6 GB.
const heapMB = Number(process.env.BENCH_HEAP_MB ?? 8192);
const rows = [];
for (const n of sizes) {
  const dir = join(work, `tenants-${n}`);
  generate(dir, n);
  const measure = (mode) => {
    const r = spawnSync(
      node,
      [`--max-old-space-size=${heapMB}`, join(work, "lib", "worker.mjs"), mode, dir],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (r.status !== 0) {
      const oom = /out of memory|OOMErrorHandler/i.test(r.stderr);
      throw new Error(
        oom
          ? `${mode} for ${n} tenants ran out of memory with a ${heapMB} MB heap (BENCH_HEAP_MB)`
          : `${mode} for ${n} tenants failed: ${r.stderr.slice(-2000)}`,
      );
    }
    return JSON.parse(r.stdout.trim().split("\n").at(-1));
  };
  const program = measure("program");
  const planned = measure("plan");
  rows.push({ n, program, planned });
  console.log(
    `${String(n).padStart(5)} tenants  ${String(program.resources).padStart(7)} resources  ` +
      `program ${(program.ms / 1000).toFixed(2)} s, ${Math.round(program.resources / (program.ms / 1000))} res/s, peak ${Math.round(program.rssMB)} MB  |  ` +
      `plan ${(planned.ms / 1000).toFixed(2)} s, ${Math.round(planned.resources / (planned.ms / 1000))} res/s, peak ${Math.round(planned.rssMB)} MB, JSON ${(planned.bytes / 1e6).toFixed(1)} MB`,
  );
}
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1];
  const b = rows[i];
  console.log(
    `${a.n} -> ${b.n} tenants (x${b.n / a.n}): program time x${(b.program.ms / a.program.ms).toFixed(1)}, ` +
      `plan time x${(b.planned.ms / a.planned.ms).toFixed(1)}, plan peak memory x${(b.planned.rssMB / a.planned.rssMB).toFixed(1)}`,
  );
}
