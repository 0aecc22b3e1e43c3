import type * as pulumi from "@pulumi/pulumi";
import { Secret, SecretPolicy } from "@pulumi/aws/secretsmanager/index.js";
import { VaultpilotComponent } from "./component.js";
import {
  secretArnPattern,
  secretName,
  TAG_SCHEDULE,
  TAG_TENANT,
  TAG_TYPE,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";

export interface ManagedSecretArgs {
  readonly scope: TenantScope;
  /** The secret's name in the policies; the secret is `vaultpilot/<tenant>/<name>`. */
  readonly secretName: string;
  /** The policy's secret type, tagged `vaultpilot:type`. */
  readonly secretType: string;
  /** The rotation schedule's name, tagged `vaultpilot:schedule`. */
  readonly scheduleName: string;
  /** The tenant's key (ARN or id). */
  readonly kmsKeyId: pulumi.Input<string>;
  /** Roles of the services that consume the secret: the only ones allowed to read it. */
  readonly consumerRoleArns: readonly string[];
  /** The role of the secret's rotation function: the only one allowed to write it. */
  readonly rotationRoleArn: string;
  /**
   * Regions to replicate to, each with the tenant's key there (`alias/vaultpilot/<tenant>` works
   * when the key is replicated).
   * @default [] - no replicas
   */
  readonly replicas?: readonly {
    readonly region: string;
    readonly kmsKeyId: pulumi.Input<string>;
  }[];
  /**
   * Days Secrets Manager keeps a deleted secret recoverable (7..30).
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
}

/** Actions that read the value. */
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue"];
/** Actions that write a value or move its stages: rotation only. */
export const SECRET_WRITE_ACTIONS = [
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecretVersionStage",
];

/**
 * The secret's resource policy: deny reading to every principal but its consumers and its rotation
 * function, and writing to every principal but the rotation function. Deny statements hold even
 * against an over-broad identity policy elsewhere in the account (another tenant's included).
 */
export function managedSecretPolicy(args: {
  scope: TenantScope;
  secretName: string;
  consumerRoleArns: readonly string[];
  rotationRoleArn: string;
}): PolicyDocument {
  const resource = secretArnPattern(args.scope, args.secretName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OnlyConsumersAndRotationRead",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: SECRET_READ_ACTIONS,
        Resource: resource,
        Condition: {
          ArnNotEquals: { "aws:PrincipalArn": [...args.consumerRoleArns, args.rotationRoleArn] },
        },
      },
      {
        Sid: "OnlyRotationWrites",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: SECRET_WRITE_ACTIONS,
        Resource: resource,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": args.rotationRoleArn } },
      },
    ],
  };
}

/**
 * A Secrets Manager secret of one tenant, encrypted with the tenant's key. The program never
 * writes a value: the first one comes from the rotation function.
 */
export class ManagedSecret extends VaultpilotComponent {
  readonly arn: pulumi.Output<string>;
  readonly secretId: pulumi.Output<string>;

  constructor(name: string, args: ManagedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "vaultpilot:aws:ManagedSecret",
      name,
      { tenant: args.scope.tenant, secret: args.secretName },
      opts,
    );
    const replicas = args.replicas ?? [];
    const recoveryWindowInDays = args.recoveryWindowInDays ?? 30;
    const secret = this.declarePurpose(
      new Secret(
        `${name}-secret`,
        {
          name: secretName(args.scope.tenant, args.secretName),
          description: `${args.secretType} secret ${args.secretName} of tenant ${args.scope.tenant}, managed by VaultPilot`,
          kmsKeyId: args.kmsKeyId,
          recoveryWindowInDays,
          replicas: replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId })),
          tags: {
            [TAG_TENANT]: args.scope.tenant,
            [TAG_TYPE]: args.secretType,
            [TAG_SCHEDULE]: args.scheduleName,
          },
        },
        { parent: this },
      ),
      { kind: "secret", secret: args.secretName },
    );
    new SecretPolicy(
      `${name}-policy`,
      {
        secretArn: secret.arn,
        policy: JSON.stringify(managedSecretPolicy(args)),
        blockPublicPolicy: true,
      },
      { parent: this },
    );
    this.arn = secret.arn;
    this.secretId = secret.id;
    this.registerOutputs({ arn: this.arn });
  }
}
