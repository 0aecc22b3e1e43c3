import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadPolicies,
  type LoadedDocument,
  type LoadResult,
} from "../../program/load/load-policies.js";
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

/** Where the policy directory is in its repository, and the commit `ref` names. */
interface BaseRef {
  readonly top: string;
  /** The policy directory relative to `top`, without a trailing slash ("" at the top). */
  readonly path: string;
  readonly commit: string;
}

function resolveBase(policyDir: string, ref: string): BaseRef {
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
  return { top, path: prefix.replace(/\/$/, ""), commit };
}

/**
 * Copies `policyDir` as committed at `ref` into a temporary directory with `git archive`: the work
 * tree, the index and HEAD are left alone.
 */
export function materialiseAt(policyDir: string, ref: string): BaseTree {
  const { top, path, commit } = resolveBase(policyDir, ref);
  return archive(top, commit, path, []);
}

/** `paths` (or the whole of `path` when empty) at `commit`, extracted under a temporary directory. */
function archive(top: string, commit: string, path: string, paths: readonly string[]): BaseTree {
  const temp = mkdtempSync(join(tmpdir(), "vaultpilot-base-"));
  const remove = () => rmSync(temp, { recursive: true, force: true });
  const listed = git(top, ["ls-tree", "--name-only", commit, "--", path || "."])
    .toString()
    .trim();
  if (path && listed === "") return { dir: undefined, remove };
  const out = join(temp, "tree");
  mkdirSync(out);
  const tar = git(top, [
    "archive",
    "--format=tar",
    commit,
    "--",
    ...(paths.length ? paths : [path || "."]),
  ]);
  execFileSync("tar", ["-x", "-C", out], { input: tar, maxBuffer: 1024 * 1024 * 1024 });
  return { dir: path ? join(out, path) : out, remove };
}

/** The loader's order: folder by folder, names compared by code point (see listPolicyFiles). */
function compareWalkOrder(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

const POLICY_PATH = /^(?:(?!\.|node_modules\/)[^/]+\/)*[^/]+\.ya?ml$/i;

/**
 * The policies as committed at `ref`, loaded without reading unchanged files twice: a file whose
 * committed content equals the work tree's (`git diff`) reuses `head`'s documents, and only the
 * files that differ are taken from git and parsed. "absent" when the policy directory did not
 * exist at `ref`; undefined when the committed tree holds symbolic links or submodules, whose
 * reading only a real copy reproduces (use materialiseAt).
 */
export function loadAtBase(
  policyDir: string,
  ref: string,
  head: LoadResult,
): LoadResult | "absent" | undefined {
  const { top, path, commit } = resolveBase(policyDir, ref);
  const under = path || ".";
  const entries = git(top, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", under])
    .toString()
    .split("\0")
    .filter((e) => e !== "");
  if (path && entries.length === 0) return "absent";
  const strip = (full: string) => (path ? full.slice(path.length + 1) : full);
  const files: string[] = [];
  for (const entry of entries) {
    const [meta = "", full = ""] = entry.split("\t");
    const [mode] = meta.split(" ");
    if (mode === "120000" || mode === "160000") return undefined;
    const relative = strip(full);
    if (POLICY_PATH.test(relative)) files.push(relative);
  }
  files.sort(compareWalkOrder);
  const changed = new Set(
    git(top, ["diff", "--no-renames", "--name-only", "-z", commit, "--", under])
      .toString()
      .split("\0")
      .filter((f) => f !== "")
      .map(strip),
  );
  const stale = files.filter((f) => changed.has(f) || !head.files.includes(f));
  const fresh: LoadResult = stale.length
    ? (() => {
        const tree = archive(
          top,
          commit,
          path,
          stale.map((f) => (path ? `${path}/${f}` : f)),
        );
        try {
          return loadPolicies(tree.dir!);
        } finally {
          tree.remove();
        }
      })()
    : { documents: [], diagnostics: [], files: [], suppressions: [] };
  const byFile = (documents: readonly LoadedDocument[]) => {
    const map = new Map<string, LoadedDocument[]>();
    for (const d of documents) map.set(d.source.file, [...(map.get(d.source.file) ?? []), d]);
    return map;
  };
  const headDocuments = byFile(head.documents);
  const freshDocuments = byFile(fresh.documents);
  const staleSet = new Set(stale);
  return {
    files,
    suppressions: [
      ...head.suppressions.filter((x) => files.includes(x.file) && !staleSet.has(x.file)),
      ...fresh.suppressions,
    ],
    documents: files.flatMap(
      (f) => (staleSet.has(f) ? freshDocuments : headDocuments).get(f) ?? [],
    ),
    diagnostics: fresh.diagnostics,
  };
}
