import { describe, expect, test, vi } from "vitest";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { driftExternalId, driftReaderRoleArn } from "../../cloud/aws/drift-reader-policy.js";
import { wildcardActions, type PolicyDocument } from "../../cloud/aws/policy-document.js";

const CI_ROLE = "arn:aws:iam::999999999999:role/github-drift";

async function recorded(installation = "acme-corp") {
  const { DriftReaderRole } = await import("../../components/aws/drift-reader-role.js");
  const resources = await runUnderMocks("test", (opts) => {
    new DriftReaderRole(
      "acme",
      {
        scope: { tenant: "acme", account: "111111111111", region: "us-east-1" },
        ciRoleArn: CI_ROLE,
        installation,
      },
      opts,
    );
  });
  const role = resources.find((r) => r.type === "aws:iam/role:Role")!;
  const policy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
  return {
    resources,
    role,
    trust: JSON.parse(String(role.inputs.assumeRolePolicy)) as {
      Statement: {
        Principal: { AWS: string };
        Action: string[];
        Condition: { StringEquals: Record<string, string> };
      }[];
    },
    permissions: JSON.parse(String(policy.inputs.policy)) as PolicyDocument,
  };
}

describe("DriftReaderRole", () => {
  test("creates the role drift assumes, named per tenant, and its inline read policy", async () => {
    const { resources, role } = await recorded();
    expect(resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "aws:iam/role:Role::acme-role",
      "aws:iam/rolePolicy:RolePolicy::acme-read",
      "vaultpilot:aws:DriftReaderRole::acme",
    ]);
    expect(`arn:aws:iam::111111111111:role/${String(role.inputs.name)}`).toBe(
      driftReaderRoleArn("111111111111", "acme"),
    );
  });

  test("trusts only the CI role, and only with the tenant's ExternalId", async () => {
    const { trust } = await recorded();
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Principal).toEqual({ AWS: CI_ROLE });
    expect(trust.Statement[0]!.Action).toEqual(["sts:AssumeRole"]);
    expect(trust.Statement[0]!.Condition.StringEquals).toEqual({
      "sts:ExternalId": driftExternalId("acme", "acme-corp"),
    });
  });

  test("grants no GetSecretValue, no Decrypt, no wildcard action and nothing that writes", async () => {
    const { permissions } = await recorded();
    const actions = permissions.Statement.flatMap((s) => s.Action);
    expect(actions).not.toContain("secretsmanager:GetSecretValue");
    expect(actions).not.toContain("kms:Decrypt");
    expect(wildcardActions(permissions)).toEqual([]);
    for (const action of actions)
      expect(action).toMatch(
        /^(secretsmanager|kms):(List|Describe|Get(KeyRotationStatus|ResourcePolicy)$)/,
      );
    expect(permissions.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });
});

describe("driftExternalId", () => {
  test("is the same for the same tenant and installation, and differs when either changes", () => {
    expect(driftExternalId("acme", "corp")).toBe(driftExternalId("acme", "corp"));
    expect(driftExternalId("acme", "corp")).not.toBe(driftExternalId("acme", "corp2"));
    expect(driftExternalId("acme", "corp")).not.toBe(driftExternalId("globex", "corp"));
    // Separators keep ("a", "b/c") and ("a/b", "c") apart.
    expect(driftExternalId("ab", "c")).not.toBe(driftExternalId("a", "bc"));
  });

  test("fits STS's ExternalId rules (2-1224 characters of [\\w+=,.@:/-]) and names neither input", () => {
    const id = driftExternalId("acme", "corp");
    expect(id).toMatch(/^[\w+=,.@:/-]{2,1224}$/);
    expect(id).not.toContain("acme");
    expect(id).not.toContain("corp");
  });
});

describe("the Pulumi program's wiring of DriftReaderRole", () => {
  async function programResources(config: Record<string, string>) {
    const pulumi = await import("@pulumi/pulumi");
    const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
          });
          return {
            id: `${args.name}-id`,
            state: {
              ...args.inputs,
              arn: `arn:mock:${args.name}`,
              name: args.inputs.name ?? args.name,
            },
          };
        },
        call: () => ({}),
      },
      "vaultpilot",
      "prod",
      false,
    );
    // The program reads its stack configuration when imported: set it first.
    pulumi.runtime.setAllConfig({ "vaultpilot:policyDir": "policies", ...config });
    vi.resetModules();
    try {
      await import("../../program/pulumi/index.js");
    } finally {
      // disconnect() waits until every registration the program started has been answered.
      await pulumi.runtime.disconnect();
      pulumi.runtime.setAllConfig({});
    }
    return registered;
  }

  test("adds one reader role per tenant of the stack when vaultpilot:driftCiRoleArn is set", async () => {
    const registered = await programResources({
      "vaultpilot:driftCiRoleArn": CI_ROLE,
      "vaultpilot:installation": "corp",
    });
    const roles = registered
      .filter((r) => r.type === "vaultpilot:aws:DriftReaderRole")
      .map((r) => r.name);
    expect(roles.sort()).toEqual([
      "acme-drift-reader",
      "globex-drift-reader",
      "initech-drift-reader",
      "umbrella-drift-reader",
    ]);
    const trust = registered.find((r) => r.name === "acme-drift-reader-role")!.inputs
      .assumeRolePolicy as string;
    expect(trust).toContain(driftExternalId("acme", "corp"));
  });

  test("adds none when the stack does not name the CI role", async () => {
    const registered = await programResources({});
    expect(registered.some((r) => r.type === "vaultpilot:aws:DriftReaderRole")).toBe(false);
    expect(registered.some((r) => r.type === "vaultpilot:aws:TenantKey")).toBe(true);
  });
});
