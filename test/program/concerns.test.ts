import { Role, RolePolicy } from "@pulumi/aws/iam/index.js";
import { Bucket } from "@pulumi/aws/s3/index.js";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { diffResources } from "../../actions/plan/diff.js";
import { computeImpact } from "../../actions/plan/impact.js";
import type { ProgramRun } from "../../actions/plan/resources.js";
import { mockState, runUnderMocks } from "../../actions/plan/run-program.js";
import { VaultpilotComponent } from "../../components/aws/component.js";
import { defineConcern, type Concern } from "../../program/pulumi/concerns/concern.js";
import { CONCERNS } from "../../program/pulumi/concerns/registry.js";
import { createStackResources } from "../../program/pulumi/stack.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";

const model = validatePolicies("policies").model!;
const settings = readStackSettings("concerns", () => undefined);
const acme = model.tenants.filter((t) => t.name === "acme");

/** A component of a concern the core does not know, whose children have names nothing parses. */
class ReaderGrant extends VaultpilotComponent {
  constructor(
    name: string,
    args: { tenant: string; service: string; secrets: string[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("test:aws:ReaderGrant", name, { tenant: args.tenant, service: args.service }, opts);
    const role = this.declarePurpose(
      new Role(`${name}-x1`, { assumeRolePolicy: "{}" }, { parent: this }),
      {
        kind: "identity",
        service: args.service,
      },
    );
    this.declarePurpose(
      new RolePolicy(
        `${name}-x2`,
        { role: role.id, policy: JSON.stringify({ n: args.secrets.length }) },
        { parent: this },
      ),
      { kind: "read-access", service: args.service, secrets: args.secrets },
    );
    new Bucket(`${name}-x3`, {}, { parent: this });
  }
}

const grants = (secrets: string[]): Concern =>
  defineConcern({
    name: "reader-grants",
    settings: () => ({ secrets }),
    components: ({ tenant, options }, slice) => [
      new ReaderGrant(
        `${tenant.name}-grant`,
        { tenant: tenant.name, service: "auditor", ...slice },
        options,
      ),
    ],
  });

const run = async (concerns: readonly Concern[]): Promise<ProgramRun> => ({
  stack: "concerns",
  resources: await runUnderMocks("concerns", (opts) =>
    createStackResources(acme, settings, {}, opts, concerns),
  ),
  consumers: new Map(),
  schedules: new Map(),
});

describe("the stack's concerns", () => {
  it("are listed once, in creation order", () => {
    expect(CONCERNS.map((c) => c.name)).toEqual([
      "secrets",
      "access",
      "alarms",
      "drift-reader",
      "azure-delivery",
      "protection",
      "guardrails",
      "kubernetes-delivery",
      "backup",
    ]);
  });

  it("give the plan a new concern's resources under the tenant's key and provider, with its subject", async () => {
    const plan = await run([grants(["orders-db"])]);
    const bucket = plan.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
    expect(bucket.subject).toEqual({ tenant: "acme", service: "auditor" });
    expect(bucket.inputs).toEqual({});
    expect(plan.resources.map((r) => r.type)).toContain("vaultpilot:aws:TenantKey");
    expect(plan.resources.some((r) => r.type === "vaultpilot:aws:ManagedSecret")).toBe(false);
  });

  it("let impact read what components declare, whatever their children are named", async () => {
    const base = await run([grants(["orders-db"])]);
    const head = await run([grants(["orders-db", "stripe-key"])]);
    const impact = computeImpact(diffResources(base.resources, head.resources), base, head);
    expect(impact.services).toEqual([
      {
        tenant: "acme",
        service: "auditor",
        action: "restart",
        reasons: ["gains read access to stripe-key"],
        secrets: ["stripe-key"],
      },
    ]);
  });
});

describe("mockState", () => {
  it("gives any resource type an id, a name and an ARN of AWS's shape, without an entry of its own", () => {
    const scope = { account: "123456789012", region: "eu-west-1" };
    expect(
      mockState("aws:wafv2/webAcl:WebAcl", "acme-waf", { name: "vaultpilot-acme" }, scope),
    ).toEqual({
      id: "vaultpilot-acme",
      name: "vaultpilot-acme",
      webAclId: "vaultpilot-acme",
      arn: "arn:aws:wafv2:eu-west-1:123456789012:web-acl/vaultpilot-acme",
    });
    expect(mockState("aws:iam/role:Role", "r", {}, scope).arn).toBe(
      "arn:aws:iam::123456789012:role/r",
    );
    expect(mockState("kubernetes:core/v1:Secret", "s", {}, scope)).not.toHaveProperty("arn");
  });
});
