import type * as pulumi from "@pulumi/pulumi";
import { Policy as IamPolicy, RolePolicyAttachment, type Role } from "@pulumi/aws/iam/index.js";
import { Policy as OrganizationPolicy, PolicyAttachment } from "@pulumi/aws/organizations/index.js";
import { Provider } from "@pulumi/aws/provider.js";
import { VaultpilotComponent } from "./component.js";
import { CROSS_ACCOUNT_MAX_SESSION_SECONDS } from "../../cloud/aws/external-id.js";
import {
  guardrailRolePolicy,
  guardrailServiceControlPolicy,
} from "../../cloud/aws/guardrails-policy.js";
import type { TenantScope } from "../../cloud/aws/naming.js";

/** A role the program made for the tenant, by its Pulumi logical name. */
export interface GuardedRole {
  readonly name: string;
  readonly role: Role;
}

/**
 * How the guardrails are enforced:
 * - `organization`: a service control policy attached to the tenant's account, managed through a
 *   role in the organization's management account. It binds every principal of the account (its
 *   administrators too) except the deploy role.
 * - `iam-fallback`: without organization access, the same denies as an IAM managed policy attached
 *   to each of `roles` (every role the program made for the tenant). It binds only those roles:
 *   the account's administrators can still do what the denies name.
 */
export type GuardrailEnforcement =
  | { readonly kind: "organization"; readonly organizationRoleArn: string }
  | { readonly kind: "iam-fallback"; readonly roles: readonly GuardedRole[] };

export interface GuardrailsArgs {
  /** The tenant whose account the guardrails bind. */
  readonly scope: TenantScope;
  /** The role that deploys the stack in the tenant's account: the one principal the SCP exempts. */
  readonly deployRoleArn: string;
  readonly enforcement: GuardrailEnforcement;
  /**
   * Where the Organizations API is called (its one endpoint is in us-east-1 for the aws
   * partition: AWS Organizations endpoints, AWS General Reference).
   * @default "us-east-1"
   */
  readonly organizationRegion?: string;
}

/** The name of a tenant's SCP (1..128 characters, Organizations' CreatePolicy limit). */
export const guardrailPolicyName = (tenant: string) => `vaultpilot-guardrails-${tenant}`;
/** The IAM fallback's policy lives under this path, which the deploy role may manage. */
export const GUARDRAIL_IAM_PATH = "/vaultpilot/";

/**
 * The tenant's guardrails: nobody but the deploy role may schedule key deletion, disable a key or
 * its rotation, replace a key policy, delete a secret without a recovery window, turn rotation
 * off, delete log groups, or stop or delete trails (cloud/aws/guardrails-policy.ts).
 */
export class Guardrails extends VaultpilotComponent {
  /** The SCP's id (organization) or the IAM policy's ARN (fallback); undefined when nothing was made. */
  readonly policyId: pulumi.Output<string> | undefined;

  constructor(name: string, args: GuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:Guardrails", name, { tenant: args.scope.tenant }, opts);
    const { scope, enforcement } = args;
    if (enforcement.kind === "organization") {
      const management = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\//.exec(
        enforcement.organizationRoleArn,
      )?.[1];
      if (management === undefined) {
        throw new Error(`${enforcement.organizationRoleArn} is not an IAM role ARN`);
      }
      const organization = new Provider(
        `${scope.tenant}/organization`,
        {
          region: args.organizationRegion ?? "us-east-1",
          allowedAccountIds: [management],
          assumeRoles: [
            {
              roleArn: enforcement.organizationRoleArn,
              sessionName: "vaultpilot-guardrails",
              duration: `${CROSS_ACCOUNT_MAX_SESSION_SECONDS}s`,
            },
          ],
        },
        { parent: this },
      );
      const policy = new OrganizationPolicy(
        `${name}-scp`,
        {
          name: guardrailPolicyName(scope.tenant),
          description: `VaultPilot guardrails of tenant ${scope.tenant}: only the deploy role may delete or disable its keys, secrets, logs and trails`,
          type: "SERVICE_CONTROL_POLICY",
          content: JSON.stringify(guardrailServiceControlPolicy(args.deployRoleArn)),
          tags: { "vaultpilot:tenant": scope.tenant },
        },
        { parent: this, provider: organization },
      );
      new PolicyAttachment(
        `${name}-scp-attachment`,
        { policyId: policy.id, targetId: scope.account },
        { parent: this, provider: organization },
      );
      this.policyId = policy.id;
    } else if (enforcement.roles.length > 0) {
      const policy = new IamPolicy(
        `${name}-policy`,
        {
          name: `guardrails-${scope.tenant}`,
          path: GUARDRAIL_IAM_PATH,
          description: `VaultPilot guardrails of tenant ${scope.tenant} (IAM fallback: binds the program's roles only)`,
          policy: JSON.stringify(guardrailRolePolicy()),
          tags: { "vaultpilot:tenant": scope.tenant },
        },
        { parent: this },
      );
      for (const { name: roleName, role } of enforcement.roles) {
        new RolePolicyAttachment(
          `${name}-${roleName}`,
          { role: role.name, policyArn: policy.arn },
          { parent: this },
        );
      }
      this.policyId = policy.arn;
    } else {
      this.policyId = undefined;
    }
    this.registerOutputs({ policyId: this.policyId });
  }
}
