import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../io.js";

function git(cwd: string, args: string[], input?: Buffer): Buffer {
  return execFileSync("git", args, {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 1024 * 1024 * 1024,
    ...(input && { input }),
  });
}

/** The policy directory as it was at `ref`, in a temporary directory; undefined when it did not exist then. */
export interface BaseTree {
  readonly dir: string | undefined;
  remove(): void;
}

/**
 * Copies `policyDir` as committed at `ref` into a temporary directory with `git archive`: the work
 * tree, the index and HEAD are left alone.
 */
export function materialiseAt(policyDir: string, ref: string): BaseTree {
  let prefix: string;
  let top: string;
  try {
    top = git(policyDir, ["rev-parse", "--show-toplevel"]).toString().trim();
    prefix = git(policyDir, ["rev-parse", "--show-prefix"]).toString().trim();
  } catch {
    throw new UsageError(`--base needs a git repository: "${policyDir}" is not inside one`);
  }
  let commit: string;
  try {
    commit = git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new UsageError(`--base "${ref}" is not a commit, branch or tag of this repository`);
  }
  const temp = mkdtempSync(join(tmpdir(), "vaultpilot-base-"));
  const remove = () => rmSync(temp, { recursive: true, force: true });
  const path = prefix.replace(/\/$/, "");
  const listed = git(top, ["ls-tree", "--name-only", commit, "--", path || "."])
    .toString()
    .trim();
  if (path && listed === "") return { dir: undefined, remove };
  const tar = git(top, ["archive", "--format=tar", commit, "--", path || "."]);
  const out = join(temp, "tree");
  mkdirSync(out);
  execFileSync("tar", ["-x", "-C", out], { input: tar, maxBuffer: 1024 * 1024 * 1024 });
  return { dir: path ? join(out, path) : out, remove };
}
