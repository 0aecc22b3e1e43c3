import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";
import { runAction } from "./runner.js";

const inPolicies = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [`policies/${path}`, text]));

const schedule = (name: string) => `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: ${name}
spec:
  every: 400d
`;

describe("the action's entry, under the runner's contract", () => {
  let remove = () => {};
  afterEach(() => remove());
  const repository = (files: Record<string, string>) => {
    const tree = policyTree(files);
    remove = tree.remove;
    return tree.dir;
  };

  it("validates clean policies: exit-code 0, no annotations, a summary, a SARIF file with no results", () => {
    const dir = repository(inPolicies(VALID_POLICIES));

    const run = runAction({ command: "validate", "working-directory": dir });

    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain("::error");
    expect(run.outputs).toMatchObject({
      "exit-code": "0",
      errors: "0",
      warnings: "0",
      findings: "0",
      "sarif-file": join(dir, ".vaultpilot/validate.sarif"),
      "report-file": join(dir, ".vaultpilot/validate.json"),
    });
    expect(run.summary).toContain("## VaultPilot validate: ✅ no problems");
    const sarif = JSON.parse(readFileSync(run.outputs["sarif-file"]!, "utf8")) as {
      runs: { results: unknown[] }[];
    };
    expect(sarif.runs[0]!.results).toEqual([]);
  });

  it("annotates each error on its line, paths from the working directory, and fails the step", () => {
    const dir = repository(inPolicies({ ...VALID_POLICIES, "yearly.yaml": schedule("yearly") }));

    const run = runAction({ command: "validate", "working-directory": dir });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "::error file=policies/yearly.yaml,line=6,col=10,title=vaultpilot rotation-interval::",
    );
    expect(run.stdout).toContain(
      "::error::1 policy errors; see the annotations and the job summary",
    );
    expect(run.outputs).toMatchObject({
      "exit-code": "1",
      errors: "1",
      warnings: "1",
      findings: "2",
    });
    expect(run.summary).toContain("| `policies/yearly.yaml:6:10` | error | `rotation-interval` |");
    expect(JSON.parse(readFileSync(run.outputs["report-file"]!, "utf8"))).toMatchObject({
      ok: false,
    });
  });

  it("says how many annotations GitHub will drop past 10 per severity, and where they all are", () => {
    const many = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`s${i}.yaml`, schedule(`sched-${i}`)]),
    );
    const dir = repository(inPolicies({ ...VALID_POLICIES, ...many }));

    const run = runAction({ command: "validate", "working-directory": dir });

    expect(run.stdout.match(/^::error file=/gm)).toHaveLength(10);
    expect(run.stdout).toContain(
      "::notice title=vaultpilot%3A more problems than annotations::2 errors and 2 warnings not shown as annotations",
    );
    expect(run.summary.match(/^\| `policies\/s\d+\.yaml/gm)).toHaveLength(24);
  });

  it("masks the listed values and the token in the log, outputs, summary and every file it writes", () => {
    const canary = "zz-canary-7f3a9c";
    const dir = repository(
      inPolicies({
        ...VALID_POLICIES,
        "tenants/acme.yaml": VALID_POLICIES["tenants/acme.yaml"].replace(
          "plan: pro",
          `plan: ${canary}`,
        ),
      }),
    );

    const run = runAction(
      {
        command: "validate",
        "working-directory": dir,
        mask: "CANARY",
        "github-token": "ghs_tokencanary123",
      },
      { CANARY: canary },
    );

    expect(run.outputs["errors"]).toBe("1");
    const written = ["validate.sarif", "validate.json"].map((name) =>
      readFileSync(join(dir, ".vaultpilot", name), "utf8"),
    );
    // The runner reads ::add-mask:: and never prints it; everything else must be masked already.
    const log = run.stdout.replace(/^::add-mask::.*\n/gm, "");
    for (const text of [log, run.stderr, run.summary, ...written, ...Object.values(run.outputs)]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain("ghs_tokencanary123");
    }
    expect(run.stdout).toContain(`::add-mask::${canary}\n`);
    expect(log).toContain('"***" is not allowed');
    expect(run.summary).toContain('"***" is not allowed');
  });

  it("reads the config's policy directory and honours its severities", () => {
    const dir = repository({
      "vaultpilot.config.yaml":
        "policies: team-policies\nrules:\n  rotation-interval: error\n  unused-schedule: off\n",
      ...Object.fromEntries(
        Object.entries({ ...VALID_POLICIES }).map(([path, text]) => [
          `team-policies/${path}`,
          text,
        ]),
      ),
    });

    const run = runAction({ command: "validate", "working-directory": dir });

    expect(run.outputs).toMatchObject({ "exit-code": "0", findings: "0" });
  });

  it("refuses an unknown command in one line, exit-code 2", () => {
    const run = runAction({ command: "lint" });

    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      '::error::vaultpilot: input "command" is "lint"; use one of validate, plan, plan-comment, drift, drift-issue\n',
    );
    expect(run.outputs["exit-code"]).toBe("2");
  });

  it("needs a stack for the commands that work on one", () => {
    const dir = repository(inPolicies(VALID_POLICIES));

    const run = runAction({ command: "drift", "working-directory": dir });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error::vaultpilot: command "drift" needs the input "stack"');
  });
});

describe("the committed action bundle", () => {
  it("is what scripts/build-action.mjs builds from the sources now", () => {
    const out = mkdtempSync(join(tmpdir(), "vaultpilot-action-"));
    try {
      execFileSync("node_modules/node/bin/node", ["scripts/build-action.mjs", out], {
        stdio: "ignore",
        env: { ...process.env, npm_lifecycle_event: "test" },
      });
      const fresh = readFileSync(join(out, "index.mjs"));
      const committed = readFileSync("dist-action/index.mjs");

      expect(
        fresh.equals(committed),
        "dist-action/index.mjs is stale: run `npm run build:action` and commit it",
      ).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
