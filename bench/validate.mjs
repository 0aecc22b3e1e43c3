// npm run bench:validate: validation of a 1,000-tenant repository against bare YAML parsing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { generatePolicies } from "./generate-policies.mjs";

const size = { tenants: 1000, secrets: 20, services: 10 };
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = join(".bench", "validate-policies");
if (existsSync(dir)) rmSync(dir, { recursive: true });
const { documents, bytes } = generatePolicies(dir, size);
console.log(
  `policy repository: ${size.tenants} tenants × ${size.secrets} secrets × ${size.services} services = ` +
    `${documents} documents, ${(bytes / 1024 / 1024).toFixed(1)} MiB`,
);

const measure = (mode) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ["--expose-gc", "bench/validate-worker.mjs", mode, dir, String(runs)],
      {
        encoding: "utf8",
      },
    ),
  );
const yaml = measure("yaml");
const validate = measure("validate");

// The whole command as a user runs it, once: process start, load, validate, JSON out.
const start = process.hrtime.bigint();
const cli = spawnSync(
  process.execPath,
  ["bin/vaultpilot.js", "validate", dir, "--format", "json"],
  {
    maxBuffer: 1 << 30,
  },
);
const cliMs = Number(process.hrtime.bigint() - start) / 1e6;
const ok = cli.status === 0 && JSON.parse(cli.stdout).ok === true;

const ratio = validate.medianMs / yaml.medianMs;
console.log(`median of ${runs} runs after one warm-up, each mode in its own process:`);
console.log(
  `  bare yaml (parseAllDocuments + toJS): ${yaml.medianMs.toFixed(0)} ms, peak RSS ${yaml.maxRssMiB.toFixed(0)} MiB`,
);
console.log(
  `  vaultpilot validate (in-process):     ${validate.medianMs.toFixed(0)} ms, peak RSS ${validate.maxRssMiB.toFixed(0)} MiB`,
);
console.log(
  `  vaultpilot validate --format json (whole command, once): ${cliMs.toFixed(0)} ms, ${ok ? "clean" : "NOT CLEAN"}`,
);
console.log(`ratio validate / yaml: ${ratio.toFixed(2)} (target ≤ 1.5)`);
if (!ok) {
  console.error(
    "the generated policies did not validate clean:",
    cli.stderr.toString().slice(0, 2000),
  );
  process.exitCode = 1;
}
