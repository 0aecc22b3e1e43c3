import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../actions/io.js";
import { runCli } from "../support/cli.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

// The exit-status contract (actions/io.ts, the README's "Exit status" table): 0 clean, 1 findings,
// 2 could not run, 3 busy. Each command's 0 and 1 that need AWS, GitHub or a database are pinned
// where those parts run: test/drift (drift, drift-issue), test/discover, test/github
// (plan-comment), test/rotation (rotate, versions, rollback).

const INVALID = {
  ...VALID_POLICIES,
  "tenants/acme.yaml": VALID_POLICIES["tenants/acme.yaml"].replace("plan: ", "plan: bogus-"),
};

const CI_ROLE = "arn:aws:iam::210987654321:role/vaultpilot-ci-deploy";

/** A port nothing listens on: AWS calls fail at once. */
const UNREACHABLE = {
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_MAX_ATTEMPTS: "1",
  VAULTPILOT_RETRY_ATTEMPTS: "1",
};

let valid: ReturnType<typeof policyTree>;
let project: ReturnType<typeof policyTree>;
let invalid: ReturnType<typeof policyTree>;
let empty: ReturnType<typeof policyTree>;
let scaffold: ReturnType<typeof policyTree>;

beforeAll(() => {
  valid = policyTree(VALID_POLICIES);
  project = policyTree({
    ...Object.fromEntries(Object.entries(VALID_POLICIES).map(([f, t]) => [`policies/${f}`, t])),
    "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
  });
  invalid = policyTree(INVALID);
  // Folders and a README, but no *.yaml: a wrong path, not a clean policy set.
  empty = policyTree({ "README.md": "# not policies\n", "tenants/notes.txt": "x\n" });
  mkdirSync(join(empty.dir, "schedules"));
  scaffold = policyTree({});
});

afterAll(() => {
  for (const tree of [valid, project, invalid, empty, scaffold]) tree.remove();
});

/** Every command, with one run for each status it can end with here, without cloud or GitHub. */
const CASES: Record<
  string,
  { argv: () => string[]; env?: Record<string, string>; code: number }[]
> = {
  validate: [
    { argv: () => ["validate", valid.dir], code: EXIT.clean },
    { argv: () => ["validate", invalid.dir], code: EXIT.findings },
    { argv: () => ["validate", empty.dir], code: EXIT.failed },
  ],
  summary: [
    { argv: () => ["summary", valid.dir], code: EXIT.clean },
    { argv: () => ["summary", invalid.dir], code: EXIT.findings },
    { argv: () => ["summary", empty.dir], code: EXIT.failed },
  ],
  plan: [
    { argv: () => ["plan", valid.dir, "-f", "json"], code: EXIT.clean },
    { argv: () => ["plan", invalid.dir], code: EXIT.findings },
    { argv: () => ["plan", empty.dir], code: EXIT.failed },
  ],
  stacks: [
    { argv: () => ["stacks", "--project", project.dir], code: EXIT.clean },
    { argv: () => ["stacks", "--project", "/nonexistent"], code: EXIT.failed },
  ],
  "plan-comment": [
    {
      argv: () => [
        "plan-comment",
        "--stack",
        "dev",
        "--markdown",
        "p.md",
        "--json",
        "p.json",
        "--pr",
        "1",
        "--full-plan-url",
        "https://example.com",
      ],
      code: EXIT.failed,
    },
  ],
  rotate: [
    { argv: () => ["rotate", "acme/orders-db", "-p", empty.dir], code: EXIT.failed },
    { argv: () => ["rotate", "not-a-ref"], code: EXIT.failed },
  ],
  secret: [
    { argv: () => ["secret", "init", "acme/orders-db", "-p", empty.dir], code: EXIT.failed },
    { argv: () => ["secret", "init", "not-a-ref"], code: EXIT.failed },
  ],
  versions: [{ argv: () => ["versions", "acme/orders-db"], env: UNREACHABLE, code: EXIT.failed }],
  rollback: [{ argv: () => ["rollback", "acme/orders-db", "-p", empty.dir], code: EXIT.failed }],
  drift: [
    { argv: () => ["drift", empty.dir], code: EXIT.failed },
    { argv: () => ["drift", valid.dir, "--no-assume-role"], env: UNREACHABLE, code: EXIT.failed },
  ],
  "drift-issue": [
    { argv: () => ["drift-issue", "--stack", "dev", "--result", "r.json"], code: EXIT.failed },
  ],
  audit: [
    {
      argv: () => [
        "audit",
        "export",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "-p",
        empty.dir,
      ],
      code: EXIT.failed,
    },
    {
      argv: () => [
        "audit",
        "export",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "-p",
        valid.dir,
      ],
      env: UNREACHABLE,
      code: EXIT.failed,
    },
    { argv: () => ["audit", "verify", join(valid.dir, "no-export")], code: EXIT.failed },
  ],
  // The second init finds the first one's files: nothing written, exit 2.
  init: [
    { argv: () => ["init", join(scaffold.dir, "team")], code: EXIT.clean },
    { argv: () => ["init", join(scaffold.dir, "team")], code: EXIT.failed },
  ],
  completion: [
    { argv: () => ["completion", "bash"], code: EXIT.clean },
    { argv: () => ["completion", "tcsh"], code: EXIT.failed },
  ],
  report: [
    // The valid policies' postgres secret connects without TLS: a failing control.
    { argv: () => ["report", valid.dir, "-f", "json"], code: EXIT.findings },
    { argv: () => ["report", valid.dir, "--framework", "sox"], code: EXIT.failed },
    { argv: () => ["report", invalid.dir], code: EXIT.failed },
    { argv: () => ["report", empty.dir], code: EXIT.failed },
  ],
  bootstrap: [
    {
      argv: () => ["bootstrap", valid.dir, "--tenant", "acme", "--ci-role-arn", CI_ROLE],
      code: EXIT.clean,
    },
    {
      argv: () => ["bootstrap", invalid.dir, "--tenant", "acme", "--ci-role-arn", CI_ROLE],
      code: EXIT.findings,
    },
    { argv: () => ["bootstrap", valid.dir, "--tenant", "acme"], code: EXIT.failed },
    {
      argv: () => ["bootstrap", valid.dir, "--tenant", "nobody", "--ci-role-arn", CI_ROLE],
      code: EXIT.failed,
    },
    {
      argv: () => ["bootstrap", empty.dir, "--tenant", "acme", "--ci-role-arn", CI_ROLE],
      code: EXIT.failed,
    },
  ],
  discover: [
    { argv: () => ["discover", "--out", join(valid.dir, "out")], env: UNREACHABLE, code: 2 },
    {
      argv: () => ["discover", "--out", join(valid.dir, "out"), "--policies", empty.dir],
      env: UNREACHABLE,
      code: EXIT.failed,
    },
  ],
};

async function commandNames(): Promise<string[]> {
  const { stdout } = await runCli(["--help"]);
  return [...stdout.split("Commands:")[1]!.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((m) => m[1]!)
    .filter((name) => name !== "help");
}

describe("the exit-status contract", () => {
  it("has cases for every command the CLI lists, and the README's table names each", async () => {
    const names = await commandNames();
    const readme = readFileSync("README.md", "utf8");
    const table = readme.slice(readme.indexOf("### Exit status"));

    expect(Object.keys(CASES).sort()).toEqual([...names].sort());
    for (const name of names) expect(table, name).toContain(`\`${name}\``);
  });

  for (const [command, cases] of Object.entries(CASES)) {
    it(`${command}: ends with the documented status, one line on stderr when it could not run`, async () => {
      for (const c of cases) {
        const argv = c.argv();
        const run = await runCli(argv, { env: c.env ?? {} });

        expect(run.code, `${argv.join(" ")}: ${run.stderr}`).toBe(c.code);
        if (c.code === EXIT.failed) {
          expect(run.stderr.trimEnd().split("\n"), run.stderr).toHaveLength(1);
          expect(run.stderr).not.toMatch(/\n\s+at /);
        }
      }
    });
  }

  it("exits 2 with one line for a usage error in every command", async () => {
    for (const command of await commandNames()) {
      const { code, stdout, stderr } = await runCli([command, "--bogus"]);

      expect(code, command).toBe(EXIT.failed);
      expect(stdout, command).toBe("");
      // Commander checks required options first: either way, one line.
      expect(stderr, command).toMatch(
        /^vaultpilot: (unknown option '--bogus'|required option '.*' not specified) \(see --help\)\n$/,
      );
    }
  });

  it("says which policy directory holds no policy files, in every command that reads one", async () => {
    for (const argv of [
      ["validate", empty.dir],
      ["plan", empty.dir],
      ["drift", empty.dir],
      ["rotate", "acme/orders-db", "-p", empty.dir],
    ]) {
      const { stderr } = await runCli(argv);

      expect(stderr, argv[0]).toMatch(
        /vaultpilot( drift: could not check)?: policy directory ".*" holds no policy files \(\*\.yaml or \*\.yml\); check the path\n$/,
      );
    }
  });

  it("lists every exit status in each command's --help", async () => {
    for (const command of await commandNames()) {
      const { stdout } = await runCli([command, "--help"]);

      expect(stdout, command).toMatch(
        /\nExit status:\n {2}0 {2}\S.*\n( {2}1 {2}\S.*\n)? {2}2 {2}\S/,
      );
    }
  });
});

describe("--help of every command", () => {
  it("shows each default once, marks required options, and lists the AWS configuration where AWS is called", async () => {
    for (const command of await commandNames()) {
      const { stdout } = await runCli([command, "--help"]);
      const options = stdout
        .split("Options:\n")[1]!
        .split("\n\n")[0]!
        .split(/\n(?= {2}-)/)
        .map((entry) => entry.replace(/\s+/g, " "));

      for (const option of options) {
        expect((option.match(/\(default/g) ?? []).length, `${command}: ${option}`).toBeLessThan(2);
      }
      const calls = ["rotate", "versions", "rollback", "drift", "discover", "report"].includes(
        command,
      );
      expect(stdout.includes("\nAWS configuration"), command).toBe(calls);
    }
    const entries = (await runCli(["plan-comment", "--help"])).stdout
      .split("Options:\n")[1]!
      .split(/\n(?= {2}-)/)
      .map((entry) => entry.replace(/\s+/g, " ").trim());
    for (const required of ["--stack", "--markdown", "--json", "--pr", "--full-plan-url"]) {
      const entry = entries.find((e) => e.startsWith(`${required} <`));
      expect(entry, required).toMatch(/\(required\)$/);
    }
  });
});

describe("stack settings", () => {
  it("refuses an unknown vaultpilot: key with a did-you-mean, in plan and stacks", async () => {
    const tree = policyTree({
      ...Object.fromEntries(Object.entries(VALID_POLICIES).map(([f, t]) => [`policies/${f}`, t])),
      "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  vaultpilot:tenant:\n    - acme\n",
    });
    try {
      for (const argv of [
        ["plan", "--stack", "dev", "--project", tree.dir],
        ["stacks", "--project", tree.dir],
      ]) {
        const { code, stdout, stderr } = await runCli(argv, { cwd: tree.dir });

        expect(code, argv[0]).toBe(EXIT.failed);
        expect(stdout, argv[0]).toBe("");
        expect(stderr, argv[0]).toBe(
          'vaultpilot: stack "dev": unknown setting vaultpilot:tenant; did you mean vaultpilot:tenants?\n',
        );
      }
    } finally {
      tree.remove();
    }
  });
});
