#!/usr/bin/env node
// The `vaultpilot` command. VaultPilot needs Node >= 22. Where the shell's node is older, this
// re-runs itself under the Node 22 binary of the `node` npm package, an optional dependency that
// `npm install vaultpilot` brings by default (`--omit=optional` skips it where Node >= 22 is there).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
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
    node = undefined;
  }
  if (node === undefined || !existsSync(node)) {
    process.stderr.write(
      `vaultpilot: needs Node >= 22 (this is ${process.version}); install Node 22 or later, ` +
        "or let npm bring it: `npm install node@22` in this project (or reinstall vaultpilot without --omit=optional)\n",
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
