import { describe, expect, it } from "vitest";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { createStackResources } from "../../program/pulumi/stack.js";
import { validatePolicies } from "../../program/validate.js";

// The Pulumi program, every concern, under pulumi.runtime.setMocks (the plan's runner): a tenant
// whose spec.store is vault (examples/vault-store) gets no Secrets Manager secret, no rotation
// Lambda, no IAM role reading Secrets Manager, no rotation alarms.
const vault = validatePolicies("examples/vault-store/policies").model!.tenants;
const aws = validatePolicies("policies").model!.tenants.filter((t) => t.name === "acme");

const run = (tenants: typeof vault) =>
  runUnderMocks("dev", (opts) =>
    createStackResources(
      tenants,
      readStackSettings("dev", () => undefined),
      {},
      opts,
    ),
  );

describe("the program for a tenant on the vault store", () => {
  it("makes no Secrets Manager secret, rotation Lambda, access role or rotation alarm", async () => {
    const resources = await run(vault);
    const types = [...new Set(resources.map((r) => r.type))];

    // Other concerns (guardrails, ...) may add theirs; none of these may appear.
    expect(types.filter((t) => /secretsmanager|lambda|cloudwatch|iam\/role/.test(t))).toEqual([]);
    // The tenant's KMS key stays: the tenant keeps its AWS account for everything else.
    expect(types).toContain("aws:kms/key:Key");
  });

  it("still makes them for a Secrets Manager tenant (the check above can fail)", async () => {
    const types = new Set((await run(aws)).map((r) => r.type));

    expect(types).toContain("aws:secretsmanager/secret:Secret");
    expect(types).toContain("aws:lambda/function:Function");
    expect(types).toContain("aws:iam/role:Role");
  });
});
