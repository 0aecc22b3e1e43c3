import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { RoleAssignment } from "@pulumi/azure-native/authorization/index.js";
import { Key, Secret, Vault } from "@pulumi/azure-native/keyvault/index.js";
import { DiagnosticSetting } from "@pulumi/azure-native/monitor/index.js";
import { VaultpilotComponent } from "../aws/component.js";
import type { AzurePrincipalType, TenantAzure } from "../../program/azure.js";

/**
 * Built-in role definition ids (the same in every subscription). Source: "Azure built-in roles
 * for Security", https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 * - Key Vault Secrets User: read secret contents (`secrets/getSecret/action`), nothing else.
 * - Key Vault Secrets Officer: every action on secrets, no role assignments.
 */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
export const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

/** Soft-deleted vaults and secrets are kept this many days, the most Azure allows (7-90). */
export const SOFT_DELETE_RETENTION_DAYS = 90;

/** An identity that reads one secret. */
export interface KeyVaultReader {
  /** The Service's name in the policies. */
  readonly service: string;
  readonly principalId: string;
  readonly principalType: AzurePrincipalType;
}

export interface KeyVaultSecretArgs {
  /** The policy's secret name. */
  readonly secret: string;
  /** Its name in the Key Vault. */
  readonly name: string;
  readonly contentType: string;
  /** The consumers with an Azure identity: each gets Key Vault Secrets User on this secret only. */
  readonly readers: readonly KeyVaultReader[];
}

export interface TenantKeyVaultArgs {
  readonly tenant: string;
  /** spec.azure with defaults applied (program/azure.ts). */
  readonly azure: TenantAzure;
  /** The secrets delivered to the vault. */
  readonly secrets: readonly KeyVaultSecretArgs[];
  /**
   * The object id of the identity the rotation writes new versions as: it gets Key Vault Secrets
   * Officer on the vault. @default - none (grant it yourself, or rotations alert that they cannot write)
   */
  readonly writerPrincipalId?: string;
}

/** The ARM id of a Key Vault, or of a secret in it: a pure function of names, the same as Azure's. */
export function keyVaultId(azure: TenantAzure, secret?: string): string {
  const vault =
    `/subscriptions/${azure.subscriptionId}/resourceGroups/${azure.resourceGroup}` +
    `/providers/Microsoft.KeyVault/vaults/${azure.keyVaultName}`;
  return secret === undefined ? vault : `${vault}/secrets/${secret}`;
}

/**
 * A role assignment's name must be a GUID, unique per scope: derived from what it grants, so the
 * same grant keeps its name between runs (a random one would be replaced on every `up`).
 */
export function roleAssignmentName(...parts: readonly string[]): string {
  const hex = createHash("sha256").update(parts.join("\n")).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A tenant's Azure Key Vault and the copies of its secrets there.
 * - The vault: RBAC authorization (no access policies), soft delete kept 90 days
 *   (SOFT_DELETE_RETENTION_DAYS) and purge protection on, so a deleted secret can always be
 *   recovered; public network access off unless spec.azure.networkCidrs lists addresses, and then
 *   only from those (network ACL default Deny).
 * - One Secret per delivered secret, created with no value: values are written only by the rotation
 *   (components/rotation/azure/key-vault-writer.ts), never through Pulumi, so none is in state.
 * - Key Vault Secrets User on each secret (scope: the secret, not the vault) for each consumer with
 *   an Azure identity, and for nobody else.
 * - Diagnostic settings sending the vault's `audit` log category group and its metrics to the
 *   tenant's Log Analytics workspace.
 * - With spec.azure.customerManagedKey, an RSA 3072 key that Key Vault rotates every
 *   `rotateEveryDays` (default 365) and that expires 30 days after that, with a notification 30 days
 *   before expiry (Key Vault's rotation policy: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation).
 */
export class TenantKeyVault extends VaultpilotComponent {
  readonly vaultName: string;
  readonly vaultId: pulumi.Output<string>;

  constructor(name: string, args: TenantKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:azure:TenantKeyVault", name, { tenant: args.tenant }, opts);
    const { azure } = args;
    this.vaultName = azure.keyVaultName;
    const tags = { "vaultpilot-tenant": args.tenant, "vaultpilot-managed-by": "vaultpilot" };
    const open = azure.networkCidrs.length > 0;
    const vault = new Vault(
      `${name}-key-vault`,
      {
        vaultName: azure.keyVaultName,
        resourceGroupName: azure.resourceGroup,
        location: azure.location,
        tags,
        properties: {
          tenantId: azure.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
          enablePurgeProtection: true,
          publicNetworkAccess: open ? "Enabled" : "Disabled",
          networkAcls: {
            defaultAction: "Deny",
            // Trusted Azure services (disk or storage encryption) must reach a customer-managed key.
            bypass: azure.customerManagedKey ? "AzureServices" : "None",
            ipRules: azure.networkCidrs.map((value) => ({ value })),
          },
        },
      },
      { parent: this },
    );
    this.vaultId = vault.id;

    for (const secret of args.secrets) {
      const created = this.declarePurpose(
        new Secret(
          `${name}/${secret.secret}-key-vault-secret`,
          {
            vaultName: azure.keyVaultName,
            resourceGroupName: azure.resourceGroup,
            secretName: secret.name,
            tags: { ...tags, "vaultpilot-secret": secret.secret },
            properties: { contentType: secret.contentType },
          },
          { parent: this, dependsOn: [vault] },
        ),
        { kind: "secret", secret: secret.secret },
      );
      for (const reader of secret.readers) {
        const scope = keyVaultId(azure, secret.name);
        this.declarePurpose(
          new RoleAssignment(
            `${name}/${secret.secret}/${reader.service}-secrets-user`,
            {
              roleAssignmentName: roleAssignmentName(
                scope,
                reader.principalId,
                KEY_VAULT_SECRETS_USER,
              ),
              scope,
              principalId: reader.principalId,
              principalType: reader.principalType,
              roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
              description: `VaultPilot: ${args.tenant}/${reader.service} reads ${secret.secret}`,
            },
            { parent: this, dependsOn: [created] },
          ),
          { kind: "read-access", service: reader.service, secrets: [secret.secret] },
        );
      }
    }

    if (args.writerPrincipalId) {
      const scope = keyVaultId(azure);
      new RoleAssignment(
        `${name}-rotation-writer`,
        {
          roleAssignmentName: roleAssignmentName(
            scope,
            args.writerPrincipalId,
            KEY_VAULT_SECRETS_OFFICER,
          ),
          scope,
          principalId: args.writerPrincipalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_OFFICER}`,
          description: `VaultPilot rotation writes new versions of ${args.tenant}'s secrets`,
        },
        { parent: this, dependsOn: [vault] },
      );
    }

    new DiagnosticSetting(
      `${name}-key-vault-audit`,
      {
        name: "vaultpilot-audit",
        resourceUri: vault.id,
        workspaceId: azure.logAnalyticsWorkspaceId,
        logs: [{ categoryGroup: "audit", enabled: true }],
        metrics: [{ category: "AllMetrics", enabled: true }],
      },
      { parent: this },
    );

    if (azure.customerManagedKey) {
      const days = azure.customerManagedKey.rotateEveryDays;
      new Key(
        `${name}-customer-managed-key`,
        {
          vaultName: azure.keyVaultName,
          resourceGroupName: azure.resourceGroup,
          keyName: `${args.tenant}-cmk`,
          tags,
          properties: {
            kty: "RSA",
            keySize: 3072,
            keyOps: ["wrapKey", "unwrapKey"],
            rotationPolicy: {
              attributes: { expiryTime: `P${days + 30}D` },
              lifetimeActions: [
                { trigger: { timeAfterCreate: `P${days}D` }, action: { type: "rotate" } },
                { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
              ],
            },
          },
        },
        { parent: this, dependsOn: [vault] },
      );
    }
    this.registerOutputs({ vaultId: vault.id });
  }
}
