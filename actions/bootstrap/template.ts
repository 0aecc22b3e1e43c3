import {
  DEPLOY_MAX_SESSION_SECONDS,
  DEPLOY_POLICY_PATH,
  deployExternalId,
  deployRolePolicy,
  deployTrustPolicy,
} from "../../cloud/aws/deploy-role.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";

export interface DeployRoleTemplateArgs {
  readonly tenant: string;
  /** The tenant's account (spec.aws.account): the template refuses to run in any other. */
  readonly account: string;
  /** The role the deploy workflow runs as: the one principal the deploy role trusts. */
  readonly ciRoleArn: string;
  /** Names the installation in the ExternalId. */
  readonly installation: string;
  /** The deploy role's name (the stack's vaultpilot:deployRoleName). */
  readonly roleName: string;
}

/** The template's resources, by logical id: the role and its managed policy. */
export const DEPLOY_ROLE_LOGICAL_ID = "DeployRole";
export const DEPLOY_POLICY_LOGICAL_ID = "DeployPolicy";

export interface DeployRoleTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description: string;
  readonly Rules: Record<string, unknown>;
  readonly Resources: {
    readonly DeployRole: {
      readonly Type: "AWS::IAM::Role";
      readonly Properties: {
        readonly RoleName: string;
        readonly Description: string;
        readonly MaxSessionDuration: number;
        readonly AssumeRolePolicyDocument: PolicyDocument;
        readonly Tags: readonly { readonly Key: string; readonly Value: string }[];
      };
    };
    readonly DeployPolicy: {
      readonly Type: "AWS::IAM::ManagedPolicy";
      readonly Properties: {
        readonly ManagedPolicyName: string;
        readonly Path: string;
        readonly Description: string;
        readonly PolicyDocument: PolicyDocument;
        readonly Roles: readonly { readonly Ref: string }[];
      };
    };
  };
  readonly Outputs: Record<string, { readonly Description: string; readonly Value: unknown }>;
}

/**
 * The CloudFormation template that creates a tenant's deploy role: trusted by the CI's role only
 * with the tenant's ExternalId, sessions of at most an hour, and the permissions the stack deploys
 * with. Plain data (no YAML short tags), so the same object prints as YAML or JSON.
 */
export function deployRoleTemplate(args: DeployRoleTemplateArgs): DeployRoleTemplate {
  const externalId = deployExternalId(args.tenant, args.installation);
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `VaultPilot deploy role for tenant ${args.tenant} in account ${args.account} (vaultpilot bootstrap --tenant ${args.tenant})`,
    Rules: {
      TenantAccount: {
        Assertions: [
          {
            Assert: { "Fn::Equals": [{ Ref: "AWS::AccountId" }, args.account] },
            AssertDescription: `This template is for tenant ${args.tenant}'s account ${args.account}.`,
          },
        ],
      },
    },
    Resources: {
      [DEPLOY_ROLE_LOGICAL_ID]: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: args.roleName,
          Description: `VaultPilot deploys tenant ${args.tenant} with this role, assumed by the CI with the tenant's ExternalId`,
          MaxSessionDuration: DEPLOY_MAX_SESSION_SECONDS,
          AssumeRolePolicyDocument: deployTrustPolicy(args.ciRoleArn, externalId),
          Tags: [{ Key: "vaultpilot:tenant", Value: args.tenant }],
        },
      },
      // A managed policy rather than an inline one: its 6,144 characters are the role's alone.
      [DEPLOY_POLICY_LOGICAL_ID]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          ManagedPolicyName: `${args.roleName}-${args.tenant}`,
          Path: DEPLOY_POLICY_PATH,
          Description: `What VaultPilot deploys in tenant ${args.tenant}'s account`,
          PolicyDocument: deployRolePolicy(args.account, args.roleName),
          Roles: [{ Ref: DEPLOY_ROLE_LOGICAL_ID }],
        },
      },
    },
    Outputs: {
      DeployRoleArn: {
        Description: "The role the stack's provider assumes in this account",
        Value: { "Fn::GetAtt": [DEPLOY_ROLE_LOGICAL_ID, "Arn"] },
      },
      ExternalId: {
        Description: "What the CI presents to assume the role (not a secret)",
        Value: externalId,
      },
    },
  };
}
