#!/usr/bin/env node
// The `vaultpilot` command. VaultPilot needs Node >= 22; where the shell's node is older, this
// re-runs itself under the Node 22 that the `node` npm package brings (a devDependency).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const major = Number(process.versions.node.split(".")[0]);
if (major >= 22) {
  await import("../dist/cli/main.js");
} else {
  let node;
  try {
    node = join(
      dirname(createRequire(import.meta.url).resolve("node/package.json")),
      "bin",
      "node",
    );
  } catch {
    process.stderr.write(
      `vaultpilot: needs Node >= 22 (this is ${process.version}); install it, or run \`npm ci\` to get it from npm\n`,
    );
    process.exit(2);
  }
  const { status, signal } = spawnSync(
    node,
    [import.meta.filename ?? new URL(import.meta.url).pathname, ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  process.exit(status ?? (signal ? 128 : 2));
}
