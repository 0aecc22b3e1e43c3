import { chmodSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { listPolicyFiles } from "../../program/load/policy-files.js";
import { MAX_FILE_BYTES } from "../../program/load/load-policies.js";
import { validatePolicies } from "../../program/validate.js";
import { buildCli, runBuiltCli } from "../support/built-cli.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

// Each bad file sits among valid policies and one other broken file, so each test also shows
// that loading goes on past the bad file and reports the other problem.
const OTHER_PROBLEM = {
  "zz-other.yaml": "apiVersion: vaultpilot.dev/v1\nkind: Tennant\n",
};
const OTHER_DIAGNOSTIC = "zz-other.yaml:2:7 error unknown-kind";

let trees: { dir: string; remove(): void }[] = [];
afterEach(() => {
  for (const tree of trees) tree.remove();
  trees = [];
});

function treeWith(files: Record<string, string | Buffer>) {
  const tree = policyTree({ ...VALID_POLICIES, ...OTHER_PROBLEM, ...files });
  trees.push(tree);
  return tree.dir;
}

/** Validates the tree, checks the other problem is still reported, returns the rest as lines. */
function problems(dir: string): string[] {
  const result = validatePolicies(dir);
  const lines = result.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`,
  );
  expect(lines.some((line) => line.startsWith(OTHER_DIAGNOSTIC))).toBe(true);
  return lines.filter((line) => !line.startsWith(OTHER_DIAGNOSTIC));
}

describe("loading policy files from disk", () => {
  it("reports a file that is not UTF-8 at its first bad byte", () => {
    const dir = treeWith({
      "bad.yaml": Buffer.from("kind: Tenant\nmetadata:\n  name: caf\xe9\n", "latin1"),
    });

    expect(problems(dir)).toEqual([
      "bad.yaml:3:12 error file-encoding file is not valid UTF-8 (byte 0xe9 here); save it as UTF-8 text",
    ]);
  });

  it("counts the column in characters, not bytes, before a bad byte", () => {
    const dir = treeWith({
      "bad.yaml": Buffer.concat([Buffer.from("name: é€\n  x: é"), Buffer.from([0xff])]),
    });

    expect(problems(dir)[0]).toMatch(/^bad\.yaml:2:7 error file-encoding .*byte 0xff/);
  });

  it("reports a binary file at its first NUL byte", () => {
    const dir = treeWith({
      "bad.yml": Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x0a, 0x41, 0x00, 0x01]),
    });

    expect(problems(dir)).toEqual([
      "bad.yml:2:2 error file-encoding file is binary (it holds a NUL byte); policy files are UTF-8 text",
    ]);
  });

  it("refuses a file over 5 MiB unread, and reads one of exactly 5 MiB", () => {
    const over = Buffer.alloc(MAX_FILE_BYTES + 1, "#");
    const exact = Buffer.alloc(MAX_FILE_BYTES, "#");
    const dir = treeWith({ "big.yaml": over, "exact.yaml": exact });

    expect(MAX_FILE_BYTES).toBe(5 * 1024 * 1024);
    expect(problems(dir)).toEqual([
      "big.yaml:1:1 error file-too-large file is 5.0 MiB; policy files may be at most 5 MiB: split it",
      "exact.yaml:1:1 warning empty-file file holds no policy documents; add one or delete the file",
    ]);
  });

  it("reports a folder link back to an ancestor once, and does not follow it", () => {
    const dir = treeWith({});
    mkdirSync(join(dir, "tenants/deep"), { recursive: true });
    symlinkSync("../..", join(dir, "tenants/deep/up"));

    expect(problems(dir)).toEqual([
      "tenants/deep/up:1:1 error file-unreadable symbolic link loops back to a folder that contains it; remove the link",
    ]);
  });

  it("reports a link to itself, whether named like a folder or a policy file", () => {
    const dir = treeWith({});
    symlinkSync("self", join(dir, "self"));
    symlinkSync("self.yaml", join(dir, "self.yaml"));

    expect(problems(dir)).toEqual([
      "self:1:1 error file-unreadable symbolic link loops back on itself; remove the link",
      "self.yaml:1:1 error file-unreadable symbolic link loops back on itself; remove the link",
    ]);
  });

  it("reports a dangling link at the link", () => {
    const dir = treeWith({});
    symlinkSync("gone.yaml", join(dir, "dangling.yaml"));

    expect(problems(dir)).toEqual([
      "dangling.yaml:1:1 error file-unreadable symbolic link points at nothing; remove it or fix its target",
    ]);
  });

  it("follows links to files and to folders outside the tree", () => {
    const outside = policyTree({
      "shared/schedules.yaml": VALID_POLICIES["schedules.yaml"]
        .replace("monthly", "weekly")
        .replace("30d", "7d"),
    });
    trees.push(outside);
    const dir = treeWith({});
    symlinkSync(join(outside.dir, "shared"), join(dir, "shared"));

    expect(problems(dir)).toEqual([
      'shared/schedules.yaml:4:9 warning unused-schedule schedule "weekly" is used by no secret; use it or delete it',
    ]);
  });
});

describe("listing policy files", () => {
  it("lists *.yaml and *.yml at any depth in code-point order, folder by folder", () => {
    const tree = policyTree({
      "b.yaml": "",
      "B.yml": "",
      "a/z.yaml": "",
      "a/b/c.YAML": "",
      "a-b.yaml": "",
      "é.yaml": "",
      "notes.md": "",
      "x.yaml.bak": "",
    });
    trees.push(tree);

    const listed = listPolicyFiles(tree.dir).files.map((f) => f.relative);

    expect(listed).toEqual(["B.yml", "a/b/c.YAML", "a/z.yaml", "a-b.yaml", "b.yaml", "é.yaml"]);
  });

  it("skips hidden folders and node_modules", () => {
    const tree = policyTree({
      "tenant.yaml": "",
      ".git/config.yaml": "",
      ".github/workflows/check.yml": "",
      "node_modules/x/policy.yaml": "",
    });
    trees.push(tree);

    expect(listPolicyFiles(tree.dir).files.map((f) => f.relative)).toEqual(["tenant.yaml"]);
  });

  it("gives the same order and diagnostics on every run", () => {
    const dir = treeWith({ "c/1.yaml": "a: [", "a/2.yaml": "- x\n", "b/3.yaml": "" });

    expect(validatePolicies(dir).diagnostics).toEqual(validatePolicies(dir).diagnostics);
    expect(validatePolicies(dir).files).toEqual([
      "a/2.yaml",
      "b/3.yaml",
      "c/1.yaml",
      "schedules.yaml",
      "tenants/acme.yaml",
      "zz-other.yaml",
    ]);
  });
});

describe("an unreadable policy file", () => {
  const root = process.getuid?.() === 0;

  beforeAll(() => {
    if (root) buildCli();
  }, 120_000);

  it("is reported at the file, and the other files are still checked", () => {
    const dir = treeWith({ "locked.yaml": VALID_POLICIES["schedules.yaml"] });
    const locked = join(dir, "locked.yaml");
    chmodSync(locked, 0o000);

    let output: {
      ok: boolean;
      diagnostics: {
        file: string;
        line: number;
        column: number;
        severity: string;
        rule: string;
        message: string;
      }[];
    };
    if (root) {
      // root reads files whatever their mode: run the built CLI without that power.
      const run = runBuiltCli(["validate", dir, "--format", "json"], { honourFileModes: true });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(1);
      output = JSON.parse(run.stdout) as typeof output;
    } else {
      output = { ok: false, diagnostics: [...validatePolicies(dir).diagnostics] };
    }

    expect(
      output.diagnostics.map(
        (d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`,
      ),
    ).toEqual([
      "locked.yaml:1:1 error file-unreadable cannot read this file (permission denied)",
      'zz-other.yaml:2:7 error unknown-kind unknown kind "Tennant"; did you mean "Tenant"?',
    ]);
  });
});
