import type * as pulumi from "@pulumi/pulumi";
import { Role, RolePolicy } from "@pulumi/aws/iam/index.js";
// The policies are plain data shared with the drift reader, which must not load Pulumi to assume this role.
import {
  driftExternalId,
  driftReaderPolicy,
  driftReaderRoleName,
  driftReaderTrustPolicy,
} from "../../cloud/aws/drift-reader-policy.js";
import { VaultpilotComponent } from "./component.js";
import type { TenantScope } from "../../cloud/aws/naming.js";

export interface DriftReaderRoleArgs {
  /** The tenant whose account the role lives in. */
  readonly scope: TenantScope;
  /** The role the drift workflow runs as (through OIDC): the only principal the role trusts. */
  readonly ciRoleArn: string;
  /** Names this installation; the ExternalId is a hash of it and the tenant (see driftExternalId). */
  readonly installation: string;
  /**
   * Longest session, in seconds.
   * @default 3600
   */
  readonly maxSessionDuration?: number;
}

/**
 * The read-only role `vaultpilot drift` assumes in a tenant's account: trusted by the CI's role
 * only with the tenant's ExternalId; it lists and describes secrets and keys and never reads a
 * value (no secretsmanager:GetSecretValue, no kms:Decrypt).
 */
export class DriftReaderRole extends VaultpilotComponent {
  readonly roleArn: pulumi.Output<string>;
  /** Not a secret: it only ties the trust to this tenant and installation. */
  readonly externalId: string;

  constructor(name: string, args: DriftReaderRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:DriftReaderRole", name, { tenant: args.scope.tenant }, opts);
    const { tenant, account } = args.scope;
    this.externalId = driftExternalId(tenant, args.installation);
    const role = new Role(
      `${name}-role`,
      {
        name: driftReaderRoleName(tenant),
        description: `VaultPilot drift checks of tenant ${tenant}: read-only metadata, never a value`,
        assumeRolePolicy: JSON.stringify(driftReaderTrustPolicy(args.ciRoleArn, this.externalId)),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        tags: { "vaultpilot:tenant": tenant },
      },
      { parent: this },
    );
    new RolePolicy(
      `${name}-read`,
      { role: role.name, name: "drift-read", policy: JSON.stringify(driftReaderPolicy(account)) },
      { parent: this },
    );
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
