import { afterEach, describe, expect, it } from "vitest";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";
import { runCli } from "../support/cli.js";

const prefixed = (prefix: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [`${prefix}/${path}`, text]));

// VALID_POLICIES plus a second schedule no secret uses: one unused-schedule warning.
const withUnusedSchedule = {
  ...VALID_POLICIES,
  "yearly.yaml": `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: yearly
spec:
  every: 365d
`,
};

describe("vaultpilot.config.yaml", () => {
  let remove = () => {};
  afterEach(() => remove());

  const repository = (files: Record<string, string>) => {
    const tree = policyTree(files);
    remove = tree.remove;
    return tree.dir;
  };

  it("names the policy directory validate runs on when none is given", async () => {
    const cwd = repository({
      "vaultpilot.config.yaml": "policies: config/policies\n",
      ...prefixed("config/policies", withUnusedSchedule),
    });

    const { code, stdout } = await runCli(["validate"], { cwd });

    expect(code).toBe(0);
    expect(stdout).toContain("yearly.yaml:4:9  warning  unused-schedule");
  });

  it("sets rule severities: off drops a rule, error fails the run", async () => {
    const off = repository({
      "vaultpilot.config.yaml": "rules:\n  unused-schedule: off\n",
      ...prefixed("policies", withUnusedSchedule),
    });
    expect(await runCli(["validate"], { cwd: off })).toMatchObject({
      code: 0,
      stdout: "✔ 3 files, 5 documents: no problems\n",
    });

    const error = repository({
      "vaultpilot.config.yaml": "rules:\n  unused-schedule: error\n",
      ...prefixed("policies", withUnusedSchedule),
    });
    const { code, stdout } = await runCli(["validate"], { cwd: error });
    expect(code).toBe(1);
    expect(stdout).toContain("policies/yearly.yaml:4:9  error    unused-schedule".slice(9));
  });

  it("fails validation with more warnings than maxWarnings, pointing at the setting", async () => {
    const cwd = repository({
      "vaultpilot.config.yaml": "# team policy\nmaxWarnings: 0\n",
      ...prefixed("policies", withUnusedSchedule),
    });

    const { code, stdout } = await runCli(["validate", "--format", "json"], { cwd });

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      diagnostics: [
        {
          file: "../vaultpilot.config.yaml",
          line: 2,
          column: 14,
          severity: "error",
          rule: "max-warnings",
          message:
            "1 warnings, more than maxWarnings (0) allows; fix or suppress some, or raise maxWarnings",
        },
        { rule: "unused-schedule" },
      ],
    });
  });

  it("reports unknown keys, unknown rule ids, wrong types and locked rules at their line and column", async () => {
    const cwd = repository({
      "vaultpilot.config.yaml":
        "policy: policies\nrules:\n  unused-schedul: off\n  schema: off\n  plan-limits: warn\nmaxWarnings: ten\n",
      ...prefixed("policies", VALID_POLICIES),
    });

    const { code, stdout } = await runCli(["validate"], { cwd });

    expect(code).toBe(1);
    expect(stdout.split("\n").slice(0, 5)).toEqual([
      '../vaultpilot.config.yaml:1:1  error    config  document: unknown property "policy"; remove it (allowed here: policies, rules, maxWarnings)',
      '../vaultpilot.config.yaml:3:3  error    config  rules: "unused-schedul" is not a VaultPilot rule; did you mean "unused-schedule"?',
      '../vaultpilot.config.yaml:4:11  error    config  rules.schema: "off" is not allowed; the stack cannot be built from what "schema" reports, so it stays an error: remove this line',
      '../vaultpilot.config.yaml:5:16  error    config  rules.plan-limits: "warn" is not allowed; use one of off, warning, error',
      '../vaultpilot.config.yaml:6:14  error    config  maxWarnings: a string "ten" is not allowed here; use an integer',
    ]);
  });

  it("reports a config that is not YAML in one line, and takes --config from elsewhere", async () => {
    const cwd = repository({
      "strict.yaml": "rules: [unused-schedule\n",
      ...prefixed("policies", VALID_POLICIES),
    });

    const { code, stdout } = await runCli(["validate", "--config", "strict.yaml"], { cwd });

    expect(code).toBe(1);
    // At the "[" that is never closed, not where the parser gave up.
    expect(stdout).toMatch(
      /^\.\.\/strict\.yaml:1:8 {2}error {4}config {2}this list is never closed; add the closing \]\n/,
    );
  });

  it("is a usage error when the --config file does not exist", async () => {
    const cwd = repository(prefixed("policies", VALID_POLICIES));

    const { code, stderr } = await runCli(["validate", "--config", "nope.yaml"], { cwd });

    expect(code).toBe(2);
    expect(stderr).toBe('vaultpilot: config file "nope.yaml" does not exist\n');
  });
});
