import { afterEach, describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH } from "../../program/load/load-policies.js";
import { validatePolicies } from "../../program/validate.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

// Every bad file sits among valid policies and one other broken file, so each test also shows
// that loading goes on past the bad file and reports the other problem.
const OTHER_PROBLEM = {
  "zz-other.yaml": VALID_POLICIES["tenants/acme.yaml"]
    .replace("name: acme", "name: globex")
    .replace(/tenant: acme/g, "tenant: globex")
    .replace("plan: pro", "plan: gold"),
};
const OTHER_DIAGNOSTIC = "zz-other.yaml:6:9 error schema";

let trees: { remove(): void }[] = [];
afterEach(() => {
  for (const tree of trees) tree.remove();
  trees = [];
});

/** Validates `files` on disk among the valid policies and the other problem. */
function validateAmong(files: Record<string, string>) {
  const tree = policyTree({ ...VALID_POLICIES, ...OTHER_PROBLEM, ...files });
  trees.push(tree);
  const result = validatePolicies(tree.dir);
  const lines = result.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}`,
  );
  expect(lines).toContain(OTHER_DIAGNOSTIC);
  return result.diagnostics.filter((d) => d.file === "bad.yaml");
}

describe("loading YAML that is not a policy", () => {
  it("reports a list that is never closed at its opening bracket, not where the parser gave up", () => {
    const found = validateAmong({
      "bad.yaml": "apiVersion: vaultpilot.dev/v1\nkind: [Tenant\nmetadata: {}\n",
    });

    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 2, column: 7, severity: "error", rule: "yaml-syntax" });
    expect(found[0]!.message).toBe("this list is never closed; add the closing ]");
  });

  it("reports quoted text that is never closed at its opening quote", () => {
    const found = validateAmong({
      "bad.yaml":
        "apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: 'acme\nspec: {}\n",
    });

    expect(found).toEqual([
      expect.objectContaining({
        line: 4,
        column: 9,
        message: "this quoted text is never closed; add the closing '",
      }),
    ]);
  });

  it("reports an undefined alias at the alias, in whichever document of the file it is", () => {
    const found = validateAmong({
      "bad.yaml":
        VALID_POLICIES["schedules.yaml"].replace("monthly", "spare") +
        "---\napiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: other\nspec:\n  every: *days\n",
    });

    expect(found.filter((d) => d.rule === "yaml-syntax")).toEqual([
      {
        file: "bad.yaml",
        line: 13,
        column: 10,
        severity: "error",
        rule: "yaml-syntax",
        message:
          "alias *days names no anchor before it in this document; define &days above it, or write the value out",
      },
    ]);
  });

  it("reports what yaml only warns about (an unknown tag) at the tag", () => {
    const found = validateAmong({
      "bad.yaml": "apiVersion: vaultpilot.dev/v1\nkind: !Tenant Tenant\n",
    });

    expect(found).toEqual([
      expect.objectContaining({
        line: 2,
        column: 7,
        rule: "yaml-syntax",
        message: "unknown tag: !Tenant; policies use plain YAML values: remove the tag",
      }),
    ]);
  });

  it("reports a tab used for indentation at the tab", () => {
    const found = validateAmong({
      "bad.yaml": "apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n\tname: acme\n",
    });

    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 4,
        column: 1,
        severity: "error",
        rule: "yaml-syntax",
        message: "tab used for indentation; YAML indents with spaces only: replace it with spaces",
      },
    ]);
  });

  it("reports a key repeated in a map at the repeat, quoting the key", () => {
    const found = validateAmong({
      "bad.yaml":
        "apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: acme\n  name: globex\n",
    });

    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 5,
        column: 3,
        severity: "error",
        rule: "yaml-syntax",
        message:
          'key "name" appears twice in this map; each key may appear once: remove or rename one',
      },
    ]);
  });

  it.each([
    ["an empty file", ""],
    [
      "a file of comments only",
      "# yaml-language-server: $schema=../schemas/tenant.schema.json\n# nothing yet\n",
    ],
    ["a file of empty documents", "---\n---\n"],
  ])("warns about %s at its start", (_, text) => {
    const found = validateAmong({ "bad.yaml": text });

    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 1,
        column: 1,
        severity: "warning",
        rule: "empty-file",
        message: "file holds no policy documents; add one or delete the file",
      },
    ]);
  });

  it.each([
    ["a list", "- apiVersion: vaultpilot.dev/v1\n- kind: Tenant\n", "a list"],
    ["a string", "just some text\n", 'the string "just some text"'],
    ["a number", "42\n", "the number 42"],
    ["null", "null\n", "null"],
  ])("reports a document that is %s at that document", (_, text, shape) => {
    const tenant = VALID_POLICIES["tenants/acme.yaml"]
      .split("---\n")[0]!
      .replace("acme", "initech");
    const found = validateAmong({ "bad.yaml": `${tenant}---\n${text}` });

    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 12,
        column: 1,
        severity: "error",
        rule: "document-shape",
        message: `document is ${shape}; a policy document is a map with apiVersion, kind, metadata and spec`,
      },
    ]);
  });

  it(`reports a document nested deeper than ${MAX_NESTING_DEPTH} levels at the first level too deep`, () => {
    const depth = MAX_NESTING_DEPTH + 5;
    const found = validateAmong({
      "bad.yaml": `apiVersion: vaultpilot.dev/v1\nkind: Tenant\nspec: ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
    });

    // The document is level 1 and spec's value level 2: the list at column 7 + 63 is level 65.
    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 3,
        column: 7 + MAX_NESTING_DEPTH - 1,
        severity: "error",
        rule: "yaml-syntax",
        message: `document nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep; a policy needs a handful: flatten it`,
      },
    ]);
  });

  it.each([
    ["flow lists", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    ["block lists", `a:\n  ${"- ".repeat(100_000)}x\n`],
    // 2,500 levels of indentation: 3 MB, under the size cap, and still too deep for the parser.
    [
      "block maps",
      `${Array.from({ length: 2_500 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} x\n`,
    ],
  ])(
    "reports a document of thousands of nested %s, too deep for the parser's stack, without crashing",
    (_, text) => {
      const found = validateAmong({ "bad.yaml": text });

      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: "error", rule: "yaml-syntax" });
      expect(found[0]!.message).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`);
      // Somewhere deep inside, not at the start of the file.
      expect(found[0]!.line + found[0]!.column).toBeGreaterThan(MAX_NESTING_DEPTH);
    },
  );

  it("skips the empty document after a trailing ---", () => {
    const found = validateAmong({
      "bad.yaml": `${VALID_POLICIES["schedules.yaml"].replace("monthly", "spare")}---\n`,
    });

    expect(found.map((d) => d.rule)).toEqual(["unused-schedule"]);
  });

  it('reports an alias bomb ("billion laughs") at its first alias without expanding it', () => {
    const levels = ["lol", ...Array.from({ length: 9 }, (_, i) => `l${i}`)];
    const text =
      `apiVersion: vaultpilot.dev/v1\nkind: Tenant\n` +
      `l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n` +
      levels
        .slice(2)
        .map(
          (name, i) =>
            `${name}: &${name} [${Array(9)
              .fill(`*${levels[i + 1]}`)
              .join(", ")}]\n`,
        )
        .join("");
    const started = performance.now();

    const found = validateAmong({ "bad.yaml": text });

    expect(performance.now() - started).toBeLessThan(5_000);
    expect(found).toEqual([
      {
        file: "bad.yaml",
        line: 4,
        column: 10,
        severity: "error",
        rule: "yaml-syntax",
        message:
          'cannot expand this document: too many aliases expand in it (a "billion laughs" pattern); write the values out',
      },
    ]);
  });

  it("accepts a few aliases, as YAML allows", () => {
    const found = validateAmong({
      "bad.yaml": VALID_POLICIES["schedules.yaml"]
        .replace("name: monthly", "name: &n other")
        .replace("every: 30d", "every: 30d\n# &n is other\n"),
    });

    expect(found.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("reports each broken document of a multi-document file and checks the good ones", () => {
    const found = validateAmong({
      "bad.yaml":
        "apiVersion: vaultpilot.dev/v1\nkind: Tennant\n---\n- a list\n---\nkey: [unclosed\n---\n" +
        VALID_POLICIES["schedules.yaml"].replace("monthly", "spare"),
    });

    expect(found.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual([
      "2:7 unknown-kind",
      "4:1 document-shape",
      "6:6 yaml-syntax",
      "11:9 unused-schedule",
    ]);
  });
});
