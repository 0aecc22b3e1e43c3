// npm run bench:action: the GitHub Action's bundle (dist-action/, committed) and its cold start:
// from process start to its first output, and to its end, for `validate` on the example policies
// (policies/), run as the runner runs it: a fresh `node dist-action/index.mjs` with INPUT_*
// variables and the runner's files. The CLI's `vaultpilot validate policies` is the yardstick.
import { spawn } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.env.BENCH_RUNS ?? 10);
const node = "node_modules/node/bin/node";

const kb = (path) => statSync(path).size / 1024;
const entry = kb("dist-action/index.mjs");
const cli = kb("dist-action/cli.mjs");
console.log(
  `bundle: dist-action/index.mjs ${entry.toFixed(0)} KB (loaded on every run), dist-action/cli.mjs ${(cli / 1024).toFixed(2)} MB (loaded only by plan, drift and the GitHub commands); ${((entry + cli) / 1024).toFixed(2)} MB in all`,
);

/** Milliseconds from spawn to the first byte on stdout, and to exit. */
function time(args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first;
    const child = spawn(node, args, { env, stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.on("data", () => {
      first ??= Number(process.hrtime.bigint() - start) / 1e6;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const total = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}`));
      else resolve({ first: first ?? total, total });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(label, args, env) {
  const firsts = [];
  const totals = [];
  await time(args, env); // warm the file cache: a cold start of the process, not of the disk
  for (let i = 0; i < runs; i++) {
    const { first, total } = await time(args, env);
    firsts.push(first);
    totals.push(total);
  }
  return { label, first: median(firsts), total: median(totals) };
}

const files = mkdtempSync(join(tmpdir(), "vaultpilot-bench-action-"));
const runnerEnv = () => {
  const output = join(files, "output");
  const summary = join(files, "summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  return {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: process.cwd(),
    INPUT_COMMAND: "validate",
    INPUT_POLICIES: "policies",
    "INPUT_WORKING-DIRECTORY": ".",
    // As on GitHub, where it defaults to github.token: its ::add-mask:: is the first output.
    "INPUT_GITHUB-TOKEN": "ghs_benchtoken000000000000000000000000",
  };
};

const action = await measure("action validate", ["dist-action/index.mjs"], runnerEnv());
const baseline = await measure("CLI validate", ["bin/vaultpilot.js", "validate", "policies"], {
  PATH: process.env.PATH,
});
for (const m of [action, baseline]) {
  console.log(
    `${m.label}: first output ${m.first.toFixed(0)} ms, done ${m.total.toFixed(0)} ms (median of ${runs})`,
  );
}
console.log(
  `ratio action/CLI: first output ${(action.first / baseline.first).toFixed(2)}, done ${(action.total / baseline.total).toFixed(2)}`,
);
