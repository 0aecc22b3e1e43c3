import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployRoleTemplate } from "../../actions/bootstrap/template.js";
import { runProgram } from "../../actions/plan/program-run.js";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { createAuditArchive } from "../../program/pulumi/audit-archive.js";
import { readAuditSettings } from "../../program/pulumi/audit-settings.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import {
  documentsIn,
  examplesWithEveryFeature,
  policyDocuments,
} from "../support/policy-documents.js";

/**
 * Every policy document the program writes, linted with parliament (PyPI `parliament`, installed
 * by scripts/install-test-deps.sh): in both guardrail modes, over the example policies and a
 * generated tenant with every feature on, and the bootstrap template's. A finding above LOW, or
 * any of parliament's INVALID group (unknown actions, prefixes, conditions, ARNs, principals,
 * SIDs), fails, unless allowed-findings.json allows it with a reason.
 */

interface Allowance {
  readonly issue: string;
  readonly where: string;
  readonly detail?: string;
  readonly reason: string;
}
interface Finding {
  readonly issue: string;
  readonly severity: string;
  readonly group: string;
  readonly title: string;
  readonly detail: unknown;
}

const allowances = (
  JSON.parse(readFileSync(join(import.meta.dirname, "allowed-findings.json"), "utf8")) as {
    allowances: Allowance[];
  }
).allowances;

const tree = examplesWithEveryFeature();
afterAll(() => tree.remove());
const validation = validatePolicies(tree.dir);
const model = validation.model!;
const ci = "arn:aws:iam::999999999999:role/vaultpilot-ci";
const setting =
  (values: Record<string, string>) =>
  (key: string): { value: unknown; secret: boolean } | undefined =>
    key in values ? { value: values[key], secret: false } : undefined;
const modes = {
  "iam-fallback": readStackSettings(
    "lint",
    setting({
      "vaultpilot:driftCiRoleArn": ci,
      "vaultpilot:alarmWebhookUrl": "https://hooks.example.com/lint",
    }),
  ),
  organization: readStackSettings(
    "lint",
    setting({
      "vaultpilot:driftCiRoleArn": ci,
      "vaultpilot:alarmWebhookUrl": "https://hooks.example.com/lint",
      "vaultpilot:organizationRoleArn": "arn:aws:iam::888888888888:role/vaultpilot-organization",
    }),
  ),
};

/**
 * A trust policy's statements have no Resource (the role is the resource); parliament calls that
 * MALFORMED and stops checking the statement. They are linted with the role as resource, so their
 * actions and conditions are checked like every other statement's.
 */
function asLinted(path: string, document: { Statement: unknown }): unknown {
  if (!/assumeRolePolicy|AssumeRolePolicyDocument/.test(path)) return document;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    ...document,
    Statement: (statements as Record<string, unknown>[]).map((s) =>
      "Resource" in s || "NotResource" in s ? s : { ...s, Resource: "arn:aws:iam::*:role/*" },
    ),
  };
}

function lint(documents: { id: string; document: unknown }[]): Map<string, Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-lint-"));
  try {
    const input = join(dir, "documents.json");
    writeFileSync(input, JSON.stringify(documents));
    const run = spawnSync("python3", [join(import.meta.dirname, "lint.py"), input], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`parliament failed: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as { results: { id: string; findings: Finding[] }[] };
    return new Map(out.results.map((r) => [r.id, r.findings]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fails = (f: Finding) =>
  ["MEDIUM", "HIGH", "CRITICAL"].includes(f.severity) || f.group === "INVALID";

const used = new Set<Allowance>();
function unallowed(where: string, findings: readonly Finding[]): string[] {
  return findings.filter(fails).flatMap((f) => {
    const allowance = allowances.find(
      (a) =>
        a.issue === f.issue &&
        new RegExp(a.where).test(where) &&
        (a.detail === undefined || JSON.stringify(f.detail).includes(a.detail)),
    );
    if (allowance) {
      used.add(allowance);
      return [];
    }
    return [`${where}: ${f.issue} (${f.severity}) ${JSON.stringify(f.detail)}`];
  });
}

describe("parliament on every policy the program writes", () => {
  it("runs on the examples and a generated tenant with every feature, which validate", () => {
    expect(
      validation.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.file}:${d.line}:${d.column} ${d.rule} ${d.message}`),
    ).toEqual([]);
    expect(model.tenants.map((t) => t.name)).toContain("everything");
  });

  for (const [mode, settings] of Object.entries(modes)) {
    it(`finds nothing above LOW and nothing unknown, guardrails by ${mode}`, async () => {
      const run = await runProgram(model, settings);
      // The stack's audit archive (bucket, keys, trail), which the program makes outside tenants.
      const audit = readAuditSettings(
        "lint",
        setting({
          "vaultpilot:auditArchive": "true",
          "vaultpilot:auditTrail": "true",
          "vaultpilot:auditExportRoleArn": "arn:aws:iam::777777777777:role/vaultpilot-audit-export",
        }),
      );
      const archive = await runUnderMocks("lint", (opts) => {
        createAuditArchive("lint", "us-east-1", audit, opts);
      });
      const found = policyDocuments([...run.resources, ...archive]);
      // Every kind of document is there: roles, trusts, keys, topics, and the guardrails' own.
      const types = new Set(found.map((f) => f.type));
      for (const type of [
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:kms/key:Key",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:s3/bucketPolicy:BucketPolicy",
        mode === "organization" ? "aws:organizations/policy:Policy" : "aws:iam/policy:Policy",
      ]) {
        expect(types, type).toContain(type);
      }
      expect(found.some((f) => f.tenant === "everything")).toBe(true);
      const ids = found.map((f, i) => ({
        id: String(i),
        where: `${f.type} ${f.path}`,
        label: `${f.where} ${f.path}`,
        document: asLinted(f.path, f.document),
      }));
      const results = lint(ids);
      expect(results.size).toBe(ids.length);
      const problems = ids.flatMap((d) =>
        unallowed(d.where, results.get(d.id) ?? []).map((p) => `${d.label}: ${p}`),
      );
      expect(problems).toEqual([]);
    }, 600_000);
  }

  it("finds nothing above LOW and nothing unknown in the bootstrap template", () => {
    const template = deployRoleTemplate({
      tenant: "everything",
      account: "999999999999",
      ciRoleArn: ci,
      installation: "lint",
      roleName: "vaultpilot-deployer",
    });
    const found = documentsIn(template);
    expect(found.map((f) => f.path).sort()).toEqual([
      "Resources.DeployPolicy.Properties.PolicyDocument",
      "Resources.DeployRole.Properties.AssumeRolePolicyDocument",
    ]);
    const ids = found.map((f, i) => ({
      id: String(i),
      where: `bootstrap ${f.path}`,
      document: asLinted(f.path, f.document),
    }));
    const results = lint(ids);
    expect(ids.flatMap((d) => unallowed(d.where, results.get(d.id) ?? []))).toEqual([]);
  });

  it("uses every allowance, each with a reason", () => {
    for (const a of allowances) expect(a.reason.length, a.issue).toBeGreaterThan(20);
    expect(allowances.filter((a) => !used.has(a))).toEqual([]);
  });

  it("fails on what it should: an unknown action, an unknown condition key, a bad ARN", () => {
    const results = lint([
      {
        id: "bad",
        document: {
          Version: "2012-10-17",
          Statement: [
            { Sid: "A", Effect: "Allow", Action: ["kms:DecryptEverything"], Resource: "*" },
            {
              Sid: "B",
              Effect: "Deny",
              Action: ["secretsmanager:DeleteSecret"],
              Resource: "*",
              Condition: { Bool: { "secretsmanager:ForceDelete": "true" } },
            },
            { Sid: "C", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:bucket" },
          ],
        },
      },
    ]);
    const issues = (results.get("bad") ?? []).filter(fails).map((f) => f.issue);
    expect(issues).toEqual(
      expect.arrayContaining(["UNKNOWN_ACTION", "UNKNOWN_CONDITION_FOR_ACTION", "INVALID_ARN"]),
    );
  });
});
