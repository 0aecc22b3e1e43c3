#!/usr/bin/env node
// The `vaultpilot` command. Every command but `plan` runs in this process on Node >= 20. `plan`
// runs the Pulumi program, and @pulumi/pulumi needs Node >= 22: where the shell's node is older,
// `plan` re-runs itself under the Node 22 binary of the `node` npm package, an optional dependency
// that `npm install vaultpilot` brings by default (`--omit=optional` skips it where Node >= 22 is
// there). One process where it can: a second one costs ~50 ms before anything runs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Commands that load @pulumi/pulumi, which needs Node >= 22. */
const NEEDS_NODE_22 = new Set(["plan"]);

const major = Number(process.versions.node.split(".")[0]);
const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
if (major >= 22 || (major >= 20 && !NEEDS_NODE_22.has(command ?? ""))) {
  // The AWS SDK warns on every run under Node < 22 that its versions published after January 2027
  // will need Node 22; the versions the lockfile pins run on Node 20, and `npm ci` brings Node 22
  // for when they no longer do. The user asked for their command, not for that notice.
  if (major < 22) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
      `vaultpilot: ${major >= 20 ? `${command} needs` : "needs"} Node >= 22 (this is ${process.version}); install Node 22 or later, ` +
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
