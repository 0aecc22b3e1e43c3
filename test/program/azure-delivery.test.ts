import { describe, expect, it } from "vitest";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import {
  KEY_VAULT_SECRETS_OFFICER,
  KEY_VAULT_SECRETS_USER,
} from "../../components/azure/tenant-key-vault.js";
import { rotationFunctionPolicy } from "../../components/aws/rotation-function.js";
import { defaultKeyVaultName } from "../../program/azure.js";
import { azureDelivery } from "../../program/pulumi/concerns/azure-delivery.js";
import { CONCERNS } from "../../program/pulumi/concerns/registry.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { createStackResources } from "../../program/pulumi/stack.js";
import { rotationConfigFor } from "../../program/rotation-config.js";
import { validatePolicies } from "../../program/validate.js";
import type { Tenant } from "../../program/model.js";
import { azureTenant, deliveredSecret } from "../support/azure-policies.js";
import { policyTree } from "../support/policy-tree.js";
import { doc, yamlFile } from "../support/validate-text.js";

// The azure-delivery concern under pulumi.runtime.setMocks (the plan's runner); `tsc` checks its
// arguments against @pulumi/azure-native's types.
const model = validatePolicies("policies").model!;
const globex = model.tenants.filter((t) => t.name === "globex");
const SUBSCRIPTION = "5f1c8a2e-7b3d-4c9e-9a61-0d2f4e8b7c15";

const run = (
  tenants: readonly Tenant[] = globex,
  settings = readStackSettings("azure", () => undefined),
) =>
  runUnderMocks("azure", (opts) =>
    createStackResources(tenants, settings, {}, opts, [
      CONCERNS.find((c) => c.name === "secrets")!,
      azureDelivery,
    ]),
  );
const ofType = (resources: readonly SubjectResource[], type: string) =>
  resources.filter((r) => r.type === type);
const parse = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

describe("the azure-delivery concern (example tenant globex)", () => {
  it("makes the Key Vault: RBAC, soft delete 90 days, purge protection, no public network access", async () => {
    const resources = await run();
    const [vault, ...more] = ofType(resources, "azure-native:keyvault:Vault");
    expect(more).toEqual([]);
    expect(vault!.inputs.vaultName).toBe(defaultKeyVaultName("globex", SUBSCRIPTION));
    expect(vault!.inputs.location).toBe("westeurope");
    expect(vault!.inputs.resourceGroupName).toBe("globex-secrets");
    expect(parse(vault!.inputs.properties)).toMatchObject({
      tenantId: "9d3e6b1a-2c4f-4e8d-b7a0-61f5c2d9e3a4",
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny", bypass: "None", ipRules: [] },
    });
    const provider = resources.find((r) => r.type === "pulumi:providers:azure-native")!;
    expect(provider.name).toBe("globex/azure-native");
    expect(provider.inputs).toMatchObject({ subscriptionId: SUBSCRIPTION, location: "westeurope" });
  });

  it("creates the delivered secret with no value, and Secrets User for its consumer on that secret only", async () => {
    const resources = await run();
    const secrets = ofType(resources, "azure-native:keyvault:Secret");
    expect(secrets.map((s) => s.inputs.secretName)).toEqual(["sendgrid-api-key"]);
    expect(parse(secrets[0]!.inputs.properties)).toEqual({ contentType: "text/plain" });
    expect(secrets[0]!.purpose).toEqual({ kind: "secret", secret: "sendgrid-key" });

    const [assignment, ...others] = ofType(resources, "azure-native:authorization:RoleAssignment");
    expect(others).toEqual([]);
    const vaultName = defaultKeyVaultName("globex", SUBSCRIPTION);
    expect(assignment!.inputs).toMatchObject({
      principalId: "3c7a9e51-84d2-4f6b-a0c3-5e1d7b92f840",
      principalType: "ServicePrincipal",
      scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/globex-secrets/providers/Microsoft.KeyVault/vaults/${vaultName}/secrets/sendgrid-api-key`,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
    });
    expect(assignment!.inputs.roleAssignmentName).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(assignment!.purpose).toEqual({
      kind: "read-access",
      service: "mailer",
      secrets: ["sendgrid-key"],
    });
  });

  it("sends the vault's audit logs to the tenant's Log Analytics workspace", async () => {
    const [setting] = ofType(await run(), "azure-native:monitor:DiagnosticSetting");
    expect(setting!.inputs.workspaceId).toBe(
      "/subscriptions/5f1c8a2e-7b3d-4c9e-9a61-0d2f4e8b7c15/resourceGroups/globex-observability/providers/Microsoft.OperationalInsights/workspaces/globex-audit",
    );
    expect(parse(setting!.inputs.logs)).toEqual([{ categoryGroup: "audit", enabled: true }]);
  });

  it("opens the network only to listed CIDRs, adds a rotating customer-managed key, and grants the rotation writer", async () => {
    const tree = policyTree({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "acme.yaml": yamlFile(
        azureTenant("acme", {
          networkCidrs: "[203.0.113.0/24]",
          customerManagedKey: "{ rotateEveryDays: 180 }",
        }),
        deliveredSecret("api-token", "acme"),
      ),
    });
    try {
      const tenants = validatePolicies(tree.dir).model!.tenants;
      const settings = readStackSettings("azure", (key) =>
        key === "vaultpilot:azureWriterPrincipalId"
          ? { value: "0f0e0d0c-0b0a-4909-8807-060504030201", secret: false }
          : undefined,
      );
      const resources = await run(tenants, settings);
      const vault = ofType(resources, "azure-native:keyvault:Vault")[0]!;
      expect(parse(vault.inputs.properties)).toMatchObject({
        publicNetworkAccess: "Enabled",
        networkAcls: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          ipRules: [{ value: "203.0.113.0/24" }],
        },
      });
      const key = ofType(resources, "azure-native:keyvault:Key")[0]!;
      expect(parse(key.inputs.properties)).toMatchObject({
        kty: "RSA",
        keySize: 3072,
        rotationPolicy: {
          attributes: { expiryTime: "P210D" },
          lifetimeActions: [
            { trigger: { timeAfterCreate: "P180D" }, action: { type: "rotate" } },
            { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
          ],
        },
      });
      const writer = ofType(resources, "azure-native:authorization:RoleAssignment").find((r) =>
        String(r.inputs.roleDefinitionId).endsWith(KEY_VAULT_SECRETS_OFFICER),
      )!;
      expect(writer.inputs.principalId).toBe("0f0e0d0c-0b0a-4909-8807-060504030201");
      expect(String(writer.inputs.scope)).toMatch(/\/vaults\/acme-[0-9a-f]{6}$/);
    } finally {
      tree.remove();
    }
  });

  it("makes nothing for tenants without spec.azure or without delivered secrets", async () => {
    const others = model.tenants.filter((t) => t.name !== "globex");
    const resources = await run(others);
    expect(resources.filter((r) => r.type.startsWith("azure-native:"))).toEqual([]);
  });

  it("lets the rotation role read the Azure credential secret only when one is configured", () => {
    const secret = globex[0]!.secrets.find((s) => s.name === "sendgrid-key")!;
    const scope = { tenant: "globex", account: "222222222222", region: "eu-west-1" };
    const policy = (credential?: string) =>
      rotationFunctionPolicy({
        scope,
        secretType: "api-key",
        secrets: [
          rotationConfigFor(secret, credential ? { azureCredentialSecret: credential } : {}),
        ],
        kmsKeyArn: "arn:aws:kms:eu-west-1:222222222222:key/k",
      });
    expect(policy().Statement.find((s) => s.Sid === "ReadAzureCredential")).toBeUndefined();
    expect(
      policy("vaultpilot/azure-writer").Statement.find((s) => s.Sid === "ReadAzureCredential"),
    ).toEqual({
      Sid: "ReadAzureCredential",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [
        "arn:aws:secretsmanager:eu-west-1:222222222222:secret:vaultpilot/azure-writer-??????",
      ],
    });
  });
});
