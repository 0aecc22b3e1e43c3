import { CROSS_ACCOUNT_MAX_SESSION_SECONDS, tenantExternalId } from "./external-id.js";
import type { PolicyDocument } from "./policy-document.js";

/**
 * The role the stack's provider assumes in each tenant's account to deploy it. The program cannot
 * create the role it assumes, so `vaultpilot bootstrap --tenant X` prints a CloudFormation template
 * that makes it, once per account, from these pure functions.
 */

/** The deploy ExternalId of one tenant of one installation (see tenantExternalId). */
export function deployExternalId(tenant: string, installation: string): string {
  return tenantExternalId("deploy", installation, tenant);
}

/** Trust: only the CI's deploy role, only with this tenant's ExternalId. */
export function deployTrustPolicy(ciRoleArn: string, externalId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CiDeploy",
        Effect: "Allow",
        Principal: { AWS: ciRoleArn },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  };
}

/**
 * Services whose resources the stack creates in a tenant's account (its concerns: keys, secrets,
 * rotation functions, their logs, queues, alarms, topics and rules, EKS access entries, WAF and
 * API throttling, backups). A concern that creates resources of another service adds it here.
 */
export const DEPLOYED_SERVICES = [
  "kms",
  "secretsmanager",
  "lambda",
  "logs",
  "sqs",
  "sns",
  "events",
  "cloudwatch",
  "eks",
  "wafv2",
  "apigateway",
  "backup",
  "backup-storage",
] as const;

/**
 * What the deploy role may do: manage the deployed services' resources (the role lives in the
 * tenant's account, so its own resources unless another account's resource policy allows more), and
 * IAM only for VaultPilot's roles and policies (every role the program makes is named
 * `vaultpilot…`). The role administers the stack, so it is broad by nature; the guardrails'
 * service control policy exempts it, and nothing else, from its denies.
 */
export function deployRolePolicy(account: string, roleName: string): PolicyDocument {
  const iam = (kind: string) => `arn:aws:iam::${account}:${kind}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ManageDeployedServices",
        Effect: "Allow",
        Action: DEPLOYED_SERVICES.map((s) => `${s}:*`),
        Resource: "*",
      },
      {
        Sid: "ManageVaultpilotRolesAndPolicies",
        Effect: "Allow",
        Action: [...IAM_ACTIONS],
        Resource: [iam("role/vaultpilot*"), iam("policy/vaultpilot/*")],
      },
      {
        // Its own name matches vaultpilot*: it must not widen its own trust or permissions.
        Sid: "NeverChangeItself",
        Effect: "Deny",
        Action: [...IAM_ACTIONS],
        Resource: [iam(`role/${roleName}`), iam(`policy${DEPLOY_POLICY_PATH}*`)],
      },
    ],
  };
}

/** IAM actions on VaultPilot's roles and policies: what the stack's concerns do with them. */
const IAM_ACTIONS = [
  "iam:GetRole",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:PassRole",
  "iam:GetRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:ListPolicyVersions",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
] as const;

/** The deploy role's own managed policy lives under this path, outside `policy/vaultpilot/*`. */
export const DEPLOY_POLICY_PATH = "/vaultpilot-bootstrap/";

/** The deploy role's longest session: one hour. */
export const DEPLOY_MAX_SESSION_SECONDS = CROSS_ACCOUNT_MAX_SESSION_SECONDS;
