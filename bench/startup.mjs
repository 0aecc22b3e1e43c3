// npm run bench:startup: how fast `vaultpilot --help` answers, as a user's shell runs it.
import { execFileSync, spawnSync } from "node:child_process";

const runs = 20;
const bin = "node_modules/.bin/vaultpilot";

function median(path) {
  const env = { ...process.env, PATH: `${path}:/usr/bin:/bin` };
  const version = execFileSync("node", ["--version"], { env, encoding: "utf8" }).trim();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const { status } = spawnSync(bin, ["--help"], { env, stdio: "ignore" });
    if (status !== 0) throw new Error(`${bin} --help exited ${status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { version, ms: times[Math.floor(runs / 2)] };
}

// The shell's own node first (on this project's machines Node 20: the launcher re-runs under 22).
const shellNodeDir = (process.env.PATH ?? "")
  .split(":")
  .find(
    (dir) => !dir.includes("node_modules") && spawnSync(`${dir}/node`, ["--version"]).status === 0,
  );
for (const dir of [shellNodeDir, "node_modules/node/bin"].filter(Boolean)) {
  const { version, ms } = median(dir);
  console.log(
    `vaultpilot --help under the shell's node ${version}: median ${ms.toFixed(0)} ms over ${runs} runs (target < 500 ms)`,
  );
}
