import { Role } from "@pulumi/aws/iam/index.js";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { ProgramRun, SubjectResource } from "../../actions/plan/resources.js";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { deployExternalId } from "../../cloud/aws/deploy-role.js";
import {
  GUARDRAIL_ACTIONS,
  guardrailRolePolicy,
  guardrailServiceControlPolicy,
} from "../../cloud/aws/guardrails-policy.js";
import { VaultpilotComponent } from "../../components/aws/component.js";
import { defineConcern } from "../../program/pulumi/concerns/concern.js";
import { CONCERNS } from "../../program/pulumi/concerns/registry.js";
import { readStackSettings, StackConfigError } from "../../program/pulumi/settings.js";
import { createStackResources } from "../../program/pulumi/stack.js";
import { validatePolicies } from "../../program/validate.js";
import { runCli } from "../support/cli.js";

const model = validatePolicies("policies").model!;
const setting =
  (values: Record<string, string>) =>
  (key: string): { value: unknown; secret: boolean } | undefined =>
    key in values ? { value: values[key], secret: false } : undefined;
const ORGANIZATION_ROLE = "arn:aws:iam::888888888888:role/vaultpilot-organization";
const DRIFT_CI = "arn:aws:iam::999999999999:role/vaultpilot-ci-drift";

const fallback = readStackSettings("guard", setting({ "vaultpilot:driftCiRoleArn": DRIFT_CI }));
const organization = readStackSettings(
  "guard",
  setting({ "vaultpilot:organizationRoleArn": ORGANIZATION_ROLE }),
);
const tenantOf = (run: ProgramRun, tenant: string) =>
  run.resources.filter((r) => r.subject?.tenant === tenant);
const ofType = (resources: readonly SubjectResource[], type: string) =>
  resources.filter((r) => r.type === type);

describe("guardrails without organization access (the IAM fallback)", async () => {
  const run = await runProgram(model, fallback);

  it("attach one deny policy per tenant to every role the program made for it, the drift reader's too", () => {
    for (const tenant of model.tenants) {
      const mine = tenantOf(run, tenant.name);
      const [policy, ...more] = ofType(mine, "aws:iam/policy:Policy");
      expect(more).toEqual([]);
      expect(policy!.inputs).toMatchObject({
        name: `guardrails-${tenant.name}`,
        path: "/vaultpilot/",
      });
      expect(JSON.parse(policy!.inputs.policy as string)).toEqual(guardrailRolePolicy());
      const roles = ofType(mine, "aws:iam/role:Role").map((r) => r.inputs.name);
      expect(roles).toContain(`vaultpilot-drift-reader-${tenant.name}`);
      // Other components attach policies of their own (the backup role's AWS managed policies).
      const guardrailArn = `arn:aws:iam::${tenant.aws.account}:policy/guardrails-${tenant.name}`;
      const attached = ofType(mine, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => a.inputs.policyArn === guardrailArn,
      );
      expect(attached.map((a) => a.inputs.role).sort()).toEqual([...roles].sort());
      expect(attached.every((a) => a.parent?.includes("vaultpilot:aws:Guardrails"))).toBe(true);
    }
    expect(run.resources.some((r) => r.type.startsWith("aws:organizations/"))).toBe(false);
  });

  it("deny every guarded action, deleting a secret only without a recovery window", () => {
    const statements = guardrailRolePolicy().Statement;
    expect(statements.every((s) => s.Effect === "Deny" && s.Resource === "*")).toBe(true);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual([...GUARDRAIL_ACTIONS].sort());
    expect(GUARDRAIL_ACTIONS).toEqual(
      expect.arrayContaining([
        "kms:ScheduleKeyDeletion",
        "kms:DisableKey",
        "kms:DisableKeyRotation",
        "kms:PutKeyPolicy",
        "secretsmanager:DeleteSecret",
        "secretsmanager:CancelRotateSecret",
        "logs:DeleteLogGroup",
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
      ]),
    );
    expect(
      statements.find((s) => s.Action.includes("secretsmanager:DeleteSecret"))!.Condition,
    ).toEqual({
      Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" },
    });
  });

  it("see roles that concerns listed after them make", async () => {
    class Extra extends VaultpilotComponent {
      constructor(name: string, tenant: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:aws:Extra", name, { tenant }, opts);
        new Role(
          `${name}-role`,
          { name: `vaultpilot.${tenant}.extra`, assumeRolePolicy: "{}" },
          { parent: this },
        );
      }
    }
    const extra = defineConcern({
      name: "extra",
      settings: () => ({}),
      components: ({ tenant, options }) => [
        new Extra(`${tenant.name}-extra`, tenant.name, options),
      ],
    });
    const acme = model.tenants.filter((t) => t.name === "acme");
    const resources = await runUnderMocks("guard", (opts) =>
      createStackResources(acme, fallback, {}, opts, [...CONCERNS, extra]),
    );
    const attached = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
      (a) => String(a.inputs.policyArn).endsWith(":policy/guardrails-acme"),
    );
    expect(attached.map((a) => a.inputs.role)).toContain("vaultpilot.acme.extra");
    expect(attached).toHaveLength(ofType(resources, "aws:iam/role:Role").length);
  });

  it("are stated plainly in the plan's header line", async () => {
    const text = await runCli(["plan", "policies"]);
    const first = text.stdout.split("\n")[0]!;
    expect(first).toMatch(/^VaultPilot plan for stack default: /);
    expect(first).toContain(
      "guardrails by IAM fallback only (no organization access: the denies bind the program's own roles, not the account's administrators)",
    );
    const json = await runCli(["plan", "policies", "--format", "json"]);
    expect((JSON.parse(json.stdout) as { guardrails: string }).guardrails).toBe("iam-fallback");
  }, 300_000);
});

describe("guardrails with organization access", async () => {
  const run = await runProgram(model, organization);

  it("attach a service control policy to each tenant's account, exempting only its deploy role, through the management account", () => {
    for (const tenant of model.tenants) {
      const mine = tenantOf(run, tenant.name);
      const [scp, ...more] = ofType(mine, "aws:organizations/policy:Policy");
      expect(more).toEqual([]);
      const deployRole = `arn:aws:iam::${tenant.aws.account}:role/vaultpilot-deployer`;
      expect(scp!.inputs).toMatchObject({
        name: `vaultpilot-guardrails-${tenant.name}`,
        type: "SERVICE_CONTROL_POLICY",
      });
      const content = JSON.parse(scp!.inputs.content as string) as ReturnType<
        typeof guardrailServiceControlPolicy
      >;
      expect(content).toEqual(guardrailServiceControlPolicy(deployRole));
      for (const s of content.Statement) {
        expect(s.Condition!.ArnNotLike).toEqual({ "aws:PrincipalArn": deployRole });
      }
      // SCPs are at most 5,120 characters (Organizations quotas).
      expect((scp!.inputs.content as string).length).toBeLessThanOrEqual(5120);
      const [attachment] = ofType(mine, "aws:organizations/policyAttachment:PolicyAttachment");
      expect(attachment!.inputs).toEqual({
        policyId: scp!.inputs.name,
        targetId: tenant.aws.account,
      });
      const provider = mine.find(
        (r) => r.type === "pulumi:providers:aws" && r.name === `${tenant.name}/organization`,
      )!;
      // Provider inputs are recorded JSON-encoded.
      expect(provider.inputs.region).toBe("us-east-1");
      expect(JSON.parse(provider.inputs.assumeRoles as string)).toMatchObject([
        { roleArn: ORGANIZATION_ROLE, duration: "3600s" },
      ]);
      expect(JSON.stringify(provider.inputs.allowedAccountIds)).toContain("888888888888");
      expect(ofType(mine, "aws:iam/policy:Policy")).toEqual([]);
    }
  });

  it("are stated in the plan's header line", async () => {
    const { plan } = await import("../../actions/plan/plan-command.js");
    const { summaryLine } = await import("../../actions/plan/plan-result.js");
    const result = await plan({ root: "policies", settings: organization });
    if (!("head" in result)) throw new Error(result.first);
    expect(result.guardrails).toBe("organization");
    expect(summaryLine(result)).toContain(
      "guardrails by service control policy on each tenant account",
    );
  }, 300_000);

  it("rejects an organization role that is not a role ARN", () => {
    expect(() =>
      readStackSettings("x", setting({ "vaultpilot:organizationRoleArn": "888888888888" })),
    ).toThrow(StackConfigError);
  });
});

describe("the tenant's provider", async () => {
  const run = await runProgram(model, fallback);
  const again = await runProgram(model, fallback);

  it("assumes the deploy role with the tenant's ExternalId, for at most an hour, the same on every run", () => {
    for (const tenant of model.tenants) {
      const provider = run.resources.find(
        (r) => r.type === "pulumi:providers:aws" && r.name === tenant.name,
      )!;
      const externalId = deployExternalId(tenant.name, "default");
      expect(externalId).toMatch(/^vp-[0-9a-f]{40}$/);
      expect(JSON.parse(provider.inputs.assumeRoles as string)).toEqual([
        {
          roleArn: `arn:aws:iam::${tenant.aws.account}:role/vaultpilot-deployer`,
          sessionName: "vaultpilot",
          externalId,
          duration: "3600s",
        },
      ]);
      expect(again.resources.find((r) => r.urn === provider.urn)!.inputs).toEqual(provider.inputs);
    }
    const ids = new Set(model.tenants.map((t) => deployExternalId(t.name, "default")));
    expect(ids.size).toBe(model.tenants.length);
    expect(deployExternalId("acme", "other")).not.toBe(deployExternalId("acme", "default"));
  });
});
