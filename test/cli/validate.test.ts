import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import type { Log } from "sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeData, escapeProperty, formatGithub } from "../../actions/validate/formats/github.js";
import { DOCUMENT_RULES, LOADER_RULES, POLICY_RULES, META_RULES } from "../../program/validate.js";
import { buildCli, runBuiltCli } from "../support/built-cli.js";
import { runCli } from "../support/cli.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

// A repository whose policies live in policies/: one error (a misspelt schedule, in a file
// whose name needs escaping), one warning (the schedule it meant is then unused).
const SCHEDULES = `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
`;
const ACME = `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws:
    account: "123456789012"
    region: eu-west-1
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: orders-api
  tenant: acme
spec:
  runtime: ecs
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme
spec:
  type: postgres
  schedule: montly
  consumers: [orders-api]
`;
const ACME_FILE = "tenants/acme, eu.yaml";
const WARNING_MESSAGE = 'schedule "monthly" is used by no secret; use it or delete it';
const ERROR_MESSAGE =
  'secret "orders-db" uses schedule "montly", which is not defined; did you mean "monthly"?';

const repos = {
  errors: policyTree({ "policies/schedules.yaml": SCHEDULES, [`policies/${ACME_FILE}`]: ACME }),
  warnings: policyTree({
    "policies/schedules.yaml": SCHEDULES,
    [`policies/${ACME_FILE}`]:
      ACME.replace("montly", "monthly") +
      "---\n" +
      SCHEDULES.replace("monthly", "yearly").replace("30d", "365d"),
  }),
  clean: policyTree(
    Object.fromEntries(Object.entries(VALID_POLICIES).map(([k, v]) => [`policies/${k}`, v])),
  ),
};
afterAll(() => {
  for (const repo of Object.values(repos)) repo.remove();
});
const validate = (repo: keyof typeof repos, ...args: string[]) =>
  runCli(["validate", "policies", ...args], { cwd: repos[repo].dir });

describe("vaultpilot validate --format text", () => {
  it("prints file:line:col, severity, rule and message, then a summary, without colour when not a TTY", async () => {
    const { code, stdout, stderr } = await validate("errors");

    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toBe(
      `schedules.yaml:4:9  warning  unused-schedule  ${WARNING_MESSAGE}\n` +
        `${ACME_FILE}:26:13  error    unknown-schedule  ${ERROR_MESSAGE}\n` +
        "\n" +
        "✖ 1 error, 1 warning in 2 files, 4 documents\n",
    );
  });

  it("colours its output under FORCE_COLOR, and on a TTY unless NO_COLOR is set", async () => {
    const forced = await runCli(["validate", "policies"], {
      cwd: repos.errors.dir,
      env: { FORCE_COLOR: "1" },
    });
    const tty = await runCli(["validate", "policies"], { cwd: repos.errors.dir, isTTY: true });
    const noColor = await runCli(["validate", "policies"], {
      cwd: repos.errors.dir,
      isTTY: true,
      env: { NO_COLOR: "1" },
    });

    expect(forced.stdout).toBe(
      `\x1b[1mschedules.yaml:4:9\x1b[0m  \x1b[33mwarning\x1b[0m  \x1b[2munused-schedule\x1b[0m  ${WARNING_MESSAGE}\n` +
        `\x1b[1m${ACME_FILE}:26:13\x1b[0m  \x1b[31merror  \x1b[0m  \x1b[2munknown-schedule\x1b[0m  ${ERROR_MESSAGE}\n` +
        "\n" +
        "\x1b[31m✖ 1 error, 1 warning in 2 files, 4 documents\x1b[0m\n",
    );
    expect(tty.stdout).toBe(forced.stdout);
    expect(noColor.stdout).not.toContain("\x1b[");
  });

  it("summarises warnings only, and a clean run", async () => {
    const warnings = await validate("warnings");
    const clean = await validate("clean");

    expect(warnings.stdout).toBe(
      `${ACME_FILE}:32:9  warning  unused-schedule  schedule "yearly" is used by no secret; use it or delete it\n` +
        "\n" +
        "⚠ 0 errors, 1 warning in 2 files, 5 documents\n",
    );
    expect(clean.stdout).toBe("✔ 2 files, 4 documents: no problems\n");
  });
});

describe("vaultpilot validate --format json", () => {
  it("prints exactly the DESIGN.md contract, files relative to the directory given", async () => {
    const { code, stdout } = await validate("errors", "--format", "json");

    expect(code).toBe(1);
    expect(stdout).toBe(
      `${JSON.stringify(
        {
          ok: false,
          diagnostics: [
            {
              file: "schedules.yaml",
              line: 4,
              column: 9,
              severity: "warning",
              rule: "unused-schedule",
              message: WARNING_MESSAGE,
            },
            {
              file: ACME_FILE,
              line: 26,
              column: 13,
              severity: "error",
              rule: "unknown-schedule",
              message: ERROR_MESSAGE,
            },
          ],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("keeps files relative to the directory given, whatever the working directory", async () => {
    const fromInside = await runCli(["validate", ".", "-f", "json"], {
      cwd: join(repos.errors.dir, "policies"),
    });
    const fromAbove = await runCli(["validate", join(repos.errors.dir, "policies"), "-f", "json"], {
      cwd: "/",
    });

    expect(fromInside.stdout).toBe((await validate("errors", "-f", "json")).stdout);
    expect(fromAbove.stdout).toBe(fromInside.stdout);
  });

  it("says ok with warnings only, and with no diagnostics", async () => {
    const warnings = JSON.parse((await validate("warnings", "-f", "json")).stdout) as {
      ok: boolean;
      diagnostics: unknown[];
    };

    expect(warnings.ok).toBe(true);
    expect(warnings.diagnostics).toHaveLength(1);
    expect((await validate("clean", "-f", "json")).stdout).toBe(
      '{\n  "ok": true,\n  "diagnostics": []\n}\n',
    );
  });
});

describe("vaultpilot validate --format github", () => {
  it("prints one workflow command per diagnostic, paths from the working directory, properties escaped", async () => {
    const { code, stdout } = await validate("errors", "--format", "github");

    expect(code).toBe(1);
    expect(stdout).toBe(
      `::warning file=policies/schedules.yaml,line=4,col=9,title=vaultpilot unused-schedule::${WARNING_MESSAGE}\n` +
        `::error file=policies/tenants/acme%2C eu.yaml,line=26,col=13,title=vaultpilot unknown-schedule::${ERROR_MESSAGE}\n`,
    );
  });

  it("prints nothing when clean", async () => {
    expect((await validate("clean", "-f", "github")).stdout).toBe("");
  });

  it("annotates 10 per severity, then says in a notice how many were not shown and where they are", () => {
    const diagnostic = (severity: "error" | "warning", line: number) => ({
      file: "a.yaml",
      line,
      column: 1,
      severity,
      rule: "schema",
      message: `problem ${line}`,
    });
    const diagnostics = [
      ...Array.from({ length: 12 }, (_, i) => diagnostic("error", i + 1)),
      ...Array.from({ length: 11 }, (_, i) => diagnostic("warning", 100 + i)),
    ];

    const lines = formatGithub({ diagnostics }, (f) => `policies/${f}`)
      .trimEnd()
      .split("\n");

    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith("::notice "))).toEqual([
      "::notice title=vaultpilot%3A more problems than annotations::2 errors and 1 warning not shown as annotations: GitHub shows 10 per severity in a step. The full list is below in this step's log, and in code scanning where the SARIF output (vaultpilot validate --format sarif) is uploaded.",
    ]);
    expect(lines.slice(-3)).toEqual([
      "policies/a.yaml:11:1  error  schema  problem 11",
      "policies/a.yaml:12:1  error  schema  problem 12",
      "policies/a.yaml:110:1  warning  schema  problem 110",
    ]);
    expect(formatGithub({ diagnostics: diagnostics.slice(0, 10) }, (f) => f)).not.toContain(
      "::notice",
    );
  });

  it("escapes %, CR and LF in data, and also : and , in properties, as @actions/core does", () => {
    expect(escapeData("100% done\r\nnext: a, b")).toBe("100%25 done%0D%0Anext: a, b");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");

    const output = formatGithub(
      {
        diagnostics: [
          {
            file: "a:b.yaml",
            line: 2,
            column: 3,
            severity: "error",
            rule: "schema",
            message: "50% of\nit",
          },
        ],
      },
      (file) => `p/${file}`,
    );

    expect(output).toBe(
      "::error file=p/a%3Ab.yaml,line=2,col=3,title=vaultpilot schema::50%25 of%0Ait\n",
    );
  });
});

describe("vaultpilot validate --format sarif", () => {
  // The shipped schema declares draft-04, whose keywords as used there (no boolean
  // exclusiveMinimum) mean the same in draft-07: only the root's "id" is spelt "$id" now.
  const shipped = JSON.parse(
    readFileSync("node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json", "utf8"),
  ) as Record<string, unknown>;
  const sarifSchema = Object.fromEntries(
    Object.entries(shipped)
      .filter(([key]) => key !== "$schema")
      .map(([key, value]) => [key === "id" ? "$id" : key, value]),
  );
  // unicodeRegExp off: a pattern in the schema (language tags) is not valid with the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormatsPlugin.default(ajv);
  const isSarif = ajv.compile(sarifSchema);

  async function sarif(repo: keyof typeof repos): Promise<Log> {
    const { code, stdout } = await validate(repo, "--format", "sarif");
    const log = JSON.parse(stdout) as Log;
    expect(isSarif(log), ajv.errorsText(isSarif.errors)).toBe(true);
    expect(code).toBe(repo === "errors" ? 1 : 0);
    return log;
  }

  it("is valid SARIF 2.1.0 with a result per diagnostic at its physical location", async () => {
    const log = await sarif("errors");
    const run = log.runs[0]!;

    expect(log.version).toBe("2.1.0");
    expect(run.results).toEqual([
      {
        ruleId: "unused-schedule",
        ruleIndex: expect.any(Number) as number,
        level: "warning",
        message: { text: WARNING_MESSAGE },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: "policies/schedules.yaml", uriBaseId: "%SRCROOT%" },
              region: { startLine: 4, startColumn: 9 },
            },
          },
        ],
      },
      {
        ruleId: "unknown-schedule",
        ruleIndex: expect.any(Number) as number,
        level: "error",
        message: { text: ERROR_MESSAGE },
        locations: [
          {
            physicalLocation: {
              // A URI: the space is percent-encoded.
              artifactLocation: {
                uri: "policies/tenants/acme%2C%20eu.yaml",
                uriBaseId: "%SRCROOT%",
              },
              region: { startLine: 26, startColumn: 13 },
            },
          },
        ],
      },
    ]);
    for (const result of run.results!) {
      expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
    }
  });

  it("describes every rule VaultPilot has, with help text and a default level", async () => {
    const rules = (await sarif("clean")).runs[0]!.tool.driver.rules!;

    expect(rules.map((r) => r.id)).toEqual(
      [...LOADER_RULES, ...DOCUMENT_RULES, ...POLICY_RULES, ...META_RULES].map((r) => r.id),
    );
    for (const rule of rules) {
      expect(rule.help?.text).toBeTruthy();
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(["error", "warning"]).toContain(rule.defaultConfiguration?.level);
    }
  });

  it("has an empty results array when clean", async () => {
    const log = await sarif("clean");

    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.results).toEqual([]);
  });

  it("carries the first definition of a duplicate as a related location", async () => {
    const repo = policyTree({
      "policies/a.yaml": SCHEDULES,
      "policies/b.yaml": SCHEDULES,
    });
    try {
      const { stdout } = await runCli(["validate", "policies", "-f", "sarif"], { cwd: repo.dir });
      const log = JSON.parse(stdout) as Log;
      const duplicate = log.runs[0]!.results!.find((r) => r.ruleId === "duplicate-name")!;

      expect(isSarif(log), ajv.errorsText(isSarif.errors)).toBe(true);
      expect(duplicate.relatedLocations).toEqual([
        {
          id: 1,
          message: { text: "first defined here" },
          physicalLocation: {
            artifactLocation: { uri: "policies/a.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 4, startColumn: 9 },
          },
        },
      ]);
    } finally {
      repo.remove();
    }
  });
});

describe("vaultpilot validate exit status and usage errors", () => {
  it.each([
    ["clean", 0],
    ["warnings", 0],
    ["errors", 1],
  ] as const)("exits %s → %i in every format", async (repo, expected) => {
    for (const format of ["text", "json", "github", "sarif"]) {
      expect((await validate(repo, "-f", format)).code, format).toBe(expected);
    }
  });

  it.each([
    [["validate", "--bogus"], "vaultpilot: unknown option '--bogus' (see --help)"],
    [
      ["validate", "-f", "xml"],
      "vaultpilot: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are text, json, github, sarif. (see --help)",
    ],
    [
      ["validate", "a", "b"],
      "vaultpilot: too many arguments for 'validate'. Expected 1 argument but got 2: a, b. (see --help)",
    ],
    [["validate", "no-such-dir"], 'vaultpilot: policy directory "no-such-dir" does not exist'],
    [
      ["validate", "policies/schedules.yaml"],
      'vaultpilot: "policies/schedules.yaml" is not a directory',
    ],
  ])(
    "exits 2 on %j with a one-line message on stderr and nothing on stdout",
    async (argv, message) => {
      const { code, stdout, stderr } = await runCli(argv, { cwd: repos.clean.dir });

      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(`${message}\n`);
    },
  );

  it("validates policies/ when no directory is given", async () => {
    const { code, stdout } = await runCli(["validate", "-f", "json"], { cwd: repos.errors.dir });

    expect(code).toBe(1);
    expect(stdout).toBe((await validate("errors", "-f", "json")).stdout);
  });
});

describe("the built vaultpilot command", () => {
  beforeAll(() => {
    buildCli();
  }, 120_000);

  it("exits 2 with one line and no stack trace on a missing directory", () => {
    const run = runBuiltCli(["validate", "/no/such/policies"]);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('vaultpilot: policy directory "/no/such/policies" does not exist\n');
  });

  it("prints the same JSON as the in-process CLI, and exits 1 on errors", async () => {
    const run = runBuiltCli(["validate", join(repos.errors.dir, "policies"), "--format", "json"]);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe((await validate("errors", "-f", "json")).stdout);
  });
});

describe("vaultpilot --help", () => {
  it("lists the commands and exits 0", async () => {
    const { code, stdout } = await runCli(["--help"]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: vaultpilot \[options\] \[command\]/);
    expect(stdout).toMatch(/\n {2}validate \[options\] \[dir\] /);
  });

  it("works on every command, each with its usage and description", async () => {
    const { stdout } = await runCli(["--help"]);
    const commands = [...stdout.split("Commands:")[1]!.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== "help");

    expect(commands).toContain("validate");
    expect(commands).toContain("summary");
    for (const command of commands) {
      const help = await runCli([command, "--help"]);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^Usage: vaultpilot ${command}`));
      expect(help.stdout.split("\n")[2]!.length, command).toBeGreaterThan(10);
    }
  });

  it("documents validate's formats and exit status", async () => {
    const { stdout } = await runCli(["validate", "--help"]);

    expect(stdout.replace(/\s+/g, " ")).toContain(
      '(choices: "text", "json", "github", "sarif", default: "text")',
    );
    expect(stdout).toContain(
      "Exit status:\n  0  no errors (warnings allowed)\n  1  errors found\n  2  could not run: usage error,",
    );
  });
});
