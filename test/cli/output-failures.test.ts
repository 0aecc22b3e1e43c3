import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../support/built-cli.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

// What a process does when its output cannot be written. It needs a real process with real file
// descriptors: a pipe whose reader has gone (`| head`) and /dev/full (every write: ENOSPC).

let tree: ReturnType<typeof policyTree>;

beforeAll(() => {
  buildCli();
  tree = policyTree(VALID_POLICIES);
});

afterAll(() => tree.remove());

/** Runs the built CLI under bash, so a redirection or a pipe is set up as a user's shell does. */
function shell(script: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("bash", ["--norc", "--noprofile", "-o", "pipefail", "-c", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", VP: "node_modules/node/bin/node bin/vaultpilot.js" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("output failures", () => {
  it("ends quietly with 141 (128 + SIGPIPE) when the reader of stdout has gone, in every command", () => {
    for (const command of [
      `validate ${tree.dir} --format sarif`,
      `plan ${tree.dir} --format json`,
      `summary ${tree.dir}`,
      "--help",
      "drift --help",
    ]) {
      // `true` exits before node has started, so the first write finds the pipe closed.
      const run = shell(`$VP ${command} | true`);

      expect(run.stderr, command).toBe("");
      expect(run.status, command).toBe(141);
    }
  });

  it("says in one line that the disk is full, exit 2, never a stack trace", () => {
    for (const command of [`validate ${tree.dir}`, `summary ${tree.dir}`, "stacks --help"]) {
      const run = shell(`$VP ${command} >/dev/full`);

      expect(run.status, command).toBe(2);
      expect(run.stderr, command).toBe(
        "vaultpilot: cannot write standard output: no space left on device (ENOSPC)\n",
      );
    }
  });

  it("leaves no half-written file when drift --out cannot be written", () => {
    const out = join(tree.dir, "no-such-folder", "drift.json");
    const run = shell(
      `AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x $VP drift ${tree.dir} --out /dev/full/drift.json`,
    );

    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tree.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
