// npm run bench:plan — a pull request's plan on a generated repository (BENCH_PLAN_TENANTS,
// default 1,000 tenants; 20 secrets and 10 services each), every figure a whole `vaultpilot`
// process as a user runs it, with its wall time and peak memory (GNU time's max RSS):
//   1. validate of the repository;
//   2. plan --base HEAD after a one-line change in one tenant (target: at most 3 × validate);
//   3. plan --base HEAD after a change to a schedule used by a tenth of the tenants;
//   4. a full plan of every tenant (no base; BENCH_PLAN_FULL=0 skips it: minutes at 1,000), in one
//      thread (VAULTPILOT_PLAN_WORKERS=1) and on worker threads (the default: min(cores, 4)), on
//      BENCH_PLAN_FULL_TENANTS tenants (default: the same repository), for a loaded machine.
// Plans 2 and 3 run with the CLI's default parallelism; the load average is printed before and after.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatePolicies } from "./generate-policies.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tenants = Number(process.env.BENCH_PLAN_TENANTS ?? 1000);
const full = process.env.BENCH_PLAN_FULL !== "0";
const fullTenants = Number(process.env.BENCH_PLAN_FULL_TENANTS ?? tenants);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
console.log(`load average at start: ${load()} (${availableParallelism()} cores)`);
/** A generated repository of `count` tenants, committed: its directory and size. */
function repository(count) {
  const dir = join(root, ".bench", "plan", `repo-${count}`);
  rmSync(dir, { recursive: true, force: true });
  const generated = generatePolicies(join(dir, "policies"), {
    tenants: count,
    secrets: 20,
    services: 10,
    tenthSchedule: true,
  });
  const git = (...args) =>
    execFileSync("git", ["-c", "user.email=b@example.com", "-c", "user.name=bench", ...args], {
      cwd: dir,
      stdio: "ignore",
    });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "policies");
  return { dir, git, ...generated };
}
const { dir: repo, git, documents, bytes } = repository(tenants);
const policies = join(repo, "policies");
console.log(
  `repository: ${tenants.toLocaleString("en-US")} tenants × 20 secrets × 10 services = ` +
    `${documents.toLocaleString("en-US")} documents, ${(bytes / 1024 / 1024).toFixed(1)} MiB; ` +
    `${process.env.BENCH_PLAN_TENANTS ? "" : "BENCH_PLAN_TENANTS sets the size; "}2 cores shared`,
);

/** Runs `vaultpilot <args>` as a whole process under GNU time: seconds, peak RSS in MB, stdout. */
function vaultpilot(args, { keepStdout = false, cwd = repo, env = {} } = {}) {
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%e %M", process.execPath, join(root, "bin", "vaultpilot.js"), ...args],
    {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", keepStdout ? "pipe" : "ignore", "pipe"],
    },
  );
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const [seconds, kb] = last.split(" ").map(Number);
  if (r.status !== 0 || !Number.isFinite(seconds)) {
    throw new Error(`vaultpilot ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-1500)}`);
  }
  return { seconds, mb: kb / 1024, stdout: r.stdout ?? "" };
}

const edit = (file, from, to) => {
  const path = join(policies, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  writeFileSync(path, text.replace(from, to));
};
const restore = () => git("checkout", "--", ".");
const line = (label, r, extra = "") =>
  console.log(
    `${label.padEnd(58)} ${r.seconds.toFixed(2).padStart(8)} s  peak ${Math.round(r.mb).toString().padStart(5)} MB${extra}`,
  );
const scopeOf = (r) => {
  const { scope, changes } = JSON.parse(r.stdout);
  const n = changes.create.length + changes.update.length + changes.delete.length;
  return `  (${scope.mode}: ${scope.planned} planned, ${scope.unchanged.length} unchanged; ${n} resource changes)`;
};

const validate = vaultpilot(["validate", "policies", "--format", "json"]);
line("validate", validate);

const one = `tenant-${String(Math.floor(tenants / 2) + 1).padStart(4, "0")}`;
edit(`tenants/${one}/secrets.yaml`, "schedule: quarterly", "schedule: monthly");
const oneTenant = vaultpilot(["plan", "policies", "--base", "HEAD", "--format", "json"], {
  keepStdout: true,
});
line(`plan --base, one line changed in ${one}`, oneTenant, scopeOf(oneTenant));
restore();

edit("schedules.yaml", "every: 60d", "every: 45d");
const tenth = vaultpilot(["plan", "policies", "--base", "HEAD", "--format", "json"], {
  keepStdout: true,
});
line("plan --base, schedule of a tenth of the tenants changed", tenth, scopeOf(tenth));
restore();

const ratio = oneTenant.seconds / validate.seconds;
console.log(
  `ratio plan --base (one tenant) / validate: ${ratio.toFixed(2)} (target ≤ 3); ` +
    `a tenth of the tenants: ${(tenth.seconds / validate.seconds).toFixed(1)}`,
);
if (full) {
  const target = fullTenants === tenants ? repo : repository(fullTenants).dir;
  const label = `full plan, all ${fullTenants.toLocaleString("en-US")} tenants (no base)`;
  const serial = vaultpilot(["plan", "policies", "--format", "json"], {
    cwd: target,
    env: { VAULTPILOT_PLAN_WORKERS: "1" },
    keepStdout: true,
  });
  line(`${label}, one thread`, serial);
  const workers = Math.min(availableParallelism(), 4);
  const parallel = vaultpilot(["plan", "policies", "--format", "json"], {
    cwd: target,
    keepStdout: true,
  });
  line(`${label}, ${workers} worker threads`, parallel);
  console.log(
    `worker threads / one thread: ${(parallel.seconds / serial.seconds).toFixed(2)} × the time, ` +
      `${(parallel.mb / serial.mb).toFixed(2)} × the peak memory; output ${parallel.stdout === serial.stdout ? "byte-identical" : "DIFFERENT"} (${(serial.stdout.length / 1024 / 1024).toFixed(1)} MiB of JSON)`,
  );
  if (parallel.stdout !== serial.stdout) process.exitCode = 1;
}
console.log(`load average at end: ${load()}`);
if (ratio > 3) process.exitCode = 1;
