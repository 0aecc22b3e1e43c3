import { tenantExternalId } from "./external-id.js";
import type { PolicyDocument } from "./policy-document.js";

/**
 * The read-only role drift assumes in each tenant's account. Pure data, shared by the live reader
 * (cloud/aws/live, which assumes it) and the DriftReaderRole component (which creates it), so the
 * reader never loads Pulumi.
 */

/**
 * The ExternalId for one tenant of one installation: a hash, so it is the same on every run
 * and in every place that computes it, and names neither in clear.
 */
export function driftExternalId(tenant: string, installation: string): string {
  return tenantExternalId("drift", installation, tenant);
}

/** One role per tenant, so each tenant's trust carries its own ExternalId. */
export function driftReaderRoleName(tenant: string): string {
  return `vaultpilot-drift-reader-${tenant}`;
}

export function driftReaderRoleArn(account: string, tenant: string): string {
  return `arn:aws:iam::${account}:role/${driftReaderRoleName(tenant)}`;
}

/**
 * Every action drift and discover call, nothing else: listing and describing, never reading a
 * value (no secretsmanager:GetSecretValue, no kms:Decrypt).
 */
export const DRIFT_READER_ACTIONS = {
  /** Account-wide listings that AWS cannot scope to a resource. */
  list: ["secretsmanager:ListSecrets", "kms:ListAliases", "kms:ListKeys"],
  /** Per-secret reads for the few secrets that need a closer look, and --deep. */
  secret: [
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:GetResourcePolicy",
  ],
  /** Per-key reads. */
  key: ["kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
} as const;

/** The identity policy of the reader role in `account`. */
export function driftReaderPolicy(account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "List", Effect: "Allow", Action: [...DRIFT_READER_ACTIONS.list], Resource: "*" },
      {
        Sid: "ReadSecretMetadata",
        Effect: "Allow",
        Action: [...DRIFT_READER_ACTIONS.secret],
        Resource: `arn:aws:secretsmanager:*:${account}:secret:*`,
      },
      {
        Sid: "ReadKeyMetadata",
        Effect: "Allow",
        Action: [...DRIFT_READER_ACTIONS.key],
        Resource: `arn:aws:kms:*:${account}:key/*`,
      },
    ],
  };
}

/** Trust: only the CI's role, and only with this tenant's ExternalId. */
export function driftReaderTrustPolicy(ciRoleArn: string, externalId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CiDrift",
        Effect: "Allow",
        Principal: { AWS: ciRoleArn },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  };
}
