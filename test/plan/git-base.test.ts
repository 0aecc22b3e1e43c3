import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAtBase, materialiseAt } from "../../actions/plan/git-base.js";
import { loadPolicies, type LoadResult } from "../../program/load/load-policies.js";
import { policyTree } from "../support/policy-tree.js";

const doc = (name: string) =>
  `apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: ${name}\nspec:\n  every: 30d\n`;

const shape = (r: LoadResult) => ({
  files: r.files,
  documents: r.documents.map((d) => ({ file: d.source.file, value: d.value })),
  diagnostics: r.diagnostics,
});

describe("loadAtBase", () => {
  let tree: ReturnType<typeof policyTree>;
  afterEach(() => tree.remove());

  it("loads the committed policies as a copy of the tree would, parsing only the files that differ", () => {
    tree = policyTree({
      "policies/a/b.yaml": doc("ab-one"),
      "policies/a-c.yaml": doc("ac-one"),
      "policies/z.YML": doc("z-one") + "---\n" + doc("z-two"),
      "policies/gone.yaml": doc("gone-one"),
      "policies/.hidden/x.yaml": doc("hidden-one"),
      "policies/node_modules/y.yaml": doc("dep-one"),
      "policies/notes.txt": "not a policy",
    });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@e.com", "-c", "user.name=t", ...args], {
        cwd: tree.dir,
      });
    git("init", "-q");
    git("add", "-A", "-f");
    git("commit", "-qm", "base");
    const at = (path: string, text: string) => {
      mkdirSync(dirname(join(tree.dir, path)), { recursive: true });
      writeFileSync(join(tree.dir, path), text);
    };
    at("policies/a/b.yaml", doc("ab-edited"));
    at("policies/new.yaml", doc("new-one"));
    unlinkSync(join(tree.dir, "policies/gone.yaml"));

    const root = join(tree.dir, "policies");
    const head = loadPolicies(root);
    const fast = loadAtBase(root, "HEAD", head);
    const copy = materialiseAt(root, "HEAD");
    try {
      const slow = loadPolicies(copy.dir!);
      expect(fast).not.toBe("absent");
      expect(shape(fast as LoadResult)).toEqual(shape(slow));
      expect((fast as LoadResult).files).toEqual(["a/b.yaml", "a-c.yaml", "gone.yaml", "z.YML"]);
    } finally {
      copy.remove();
    }
    expect(loadAtBase(join(tree.dir, "policies"), "HEAD", head)).toBeDefined();
    rmSync(join(tree.dir, "policies"), { recursive: true });
    mkdirSync(join(tree.dir, "other"));
    writeFileSync(join(tree.dir, "other", "o.yaml"), doc("other-one"));
    expect(loadAtBase(join(tree.dir, "other"), "HEAD", loadPolicies(join(tree.dir, "other")))).toBe(
      "absent",
    );
  });
});
