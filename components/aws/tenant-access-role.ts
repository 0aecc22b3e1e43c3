import * as pulumi from "@pulumi/pulumi";
import { Role, RolePolicy } from "@pulumi/aws/iam/index.js";
import { VaultpilotComponent } from "./component.js";
import {
  accessRoleName,
  accountRoot,
  clientDataKeyContext,
  secretArnPattern,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";
import { oidcProvider, serviceAccountSubject } from "../../cloud/aws/irsa.js";

export type WorkloadRuntime = "ecs" | "lambda" | "kubernetes" | "ec2";

/** One ServiceAccount of an EKS cluster that may assume a role through IRSA. */
export interface IrsaTrust {
  /** The cluster's OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/<id>). */
  readonly oidcIssuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Trust for IRSA: the cluster's IAM OIDC provider, for a token whose `sub` is exactly the
 * ServiceAccount and whose `aud` is STS (EKS user guide, "Assign IAM roles to Kubernetes service
 * accounts": the trust policy's two StringEquals conditions).
 */
export function irsaStatement(scope: TenantScope, trust: IrsaTrust, index: number) {
  const provider = oidcProvider(trust.oidcIssuer, scope.account);
  return {
    Sid: `ServiceAccountOfCluster${index}`,
    Effect: "Allow" as const,
    Principal: { Federated: provider.arn },
    Action: ["sts:AssumeRoleWithWebIdentity"],
    Condition: {
      StringEquals: {
        [`${provider.host}:sub`]: serviceAccountSubject(trust.namespace, trust.serviceAccount),
        [`${provider.host}:aud`]: "sts.amazonaws.com",
      },
    },
  };
}

/**
 * Who may assume a workload's role: the runtime's service in the tenant's account; for Kubernetes,
 * the ServiceAccounts in `irsa` (IRSA), or without any a tenant-tagged role of the account (Pod
 * Identity, or a cluster not declared in the tenant's spec.kubernetes).
 */
export function accessTrustPolicy(
  scope: TenantScope,
  runtime: WorkloadRuntime,
  irsa: readonly IrsaTrust[] = [],
): PolicyDocument {
  const service = {
    ecs: "ecs-tasks.amazonaws.com",
    lambda: "lambda.amazonaws.com",
    ec2: "ec2.amazonaws.com",
  };
  if (runtime === "kubernetes" && irsa.length > 0) {
    return {
      Version: "2012-10-17",
      Statement: irsa.map((trust, i) => irsaStatement(scope, trust, i + 1)),
    };
  }
  if (runtime === "kubernetes") {
    return {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TenantTaggedPrincipalsOfAccount",
          Effect: "Allow",
          Principal: { AWS: accountRoot(scope) },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: { StringEquals: { "aws:PrincipalTag/vaultpilot:tenant": scope.tenant } },
        },
      ],
    };
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RuntimeOfTenantAccount",
        Effect: "Allow",
        Principal: { Service: service[runtime] },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": scope.account } },
      },
    ],
  };
}

/**
 * What a workload may read: exactly the secrets it consumes (explicit ARNs, not ABAC on the
 * tenant tag: ABAC would let every workload of a tenant read all of the tenant's secrets, and a
 * new consumer would not show in the plan), and the tenant's key only through Secrets Manager;
 * plus data keys for the secret client's in-memory cache (`vaultpilot/client`), only with the
 * client's encryption context for this tenant (see clientDataKeyConditions).
 */
export function accessPolicy(args: {
  scope: TenantScope;
  secretNames: readonly string[];
  kmsKeyArn: string;
}): PolicyDocument {
  const { scope } = args;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadConsumedSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: args.secretNames.map((s) => secretArnPattern(scope, s)),
      },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: args.kmsKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` },
        },
      },
      {
        Sid: "CacheDataKeysOfClient",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey"],
        Resource: args.kmsKeyArn,
        Condition: clientDataKeyConditions(scope.tenant),
      },
    ],
  };
}

/**
 * GenerateDataKey for the secret client only: with exactly the client's
 * encryption context for the tenant (both pairs present, no other key: `ForAllValues` on
 * kms:EncryptionContextKeys), so the grant cannot make data keys for anything else.
 */
export function clientDataKeyConditions(tenant: string) {
  const context = clientDataKeyContext(tenant);
  return {
    // No key-spec condition: KMS has none for GenerateDataKey (kms:DataKeyPairSpec is for key
    // pairs), and an unknown key under StringEquals never matches, so the grant would allow
    // nothing (parliament: UNKNOWN_CONDITION_FOR_ACTION).
    StringEquals: {
      ...Object.fromEntries(
        Object.entries(context).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]),
      ),
    },
    "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": Object.keys(context) },
  };
}

export interface TenantAccessRoleArgs {
  readonly scope: TenantScope;
  /** The workload (a Service in the policies). */
  readonly service: string;
  readonly runtime: WorkloadRuntime;
  /** The secrets the service consumes. A service that consumes none gets a role with no policy. */
  readonly secretNames: readonly string[];
  /** The tenant's key. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Runtime kubernetes: the ServiceAccounts (one per cluster) that assume the role through IRSA.
   * @default [] - a tenant-tagged role of the account assumes it (see accessTrustPolicy)
   */
  readonly irsa?: readonly IrsaTrust[];
  /**
   * "service": the role of a Service of the policies (the plan reports a new identity as a
   * restart); "delivery": the role of a delivery mechanism (External Secrets' SecretStore), which
   * no workload runs as. @default "service"
   */
  readonly identity?: "service" | "delivery";
}

/**
 * The role one workload of a tenant assumes to read its own secrets: one per Service, so each
 * reads only what it consumes.
 */
export class TenantAccessRole extends VaultpilotComponent {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: TenantAccessRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "vaultpilot:aws:TenantAccessRole",
      name,
      { tenant: args.scope.tenant, service: args.service },
      opts,
    );
    const isService = (args.identity ?? "service") === "service";
    const role = new Role(
      `${name}-access-role`,
      {
        name: accessRoleName(args.scope.tenant, args.service),
        assumeRolePolicy: JSON.stringify(accessTrustPolicy(args.scope, args.runtime, args.irsa)),
        tags: { "vaultpilot:tenant": args.scope.tenant, "vaultpilot:service": args.service },
      },
      { parent: this },
    );
    if (isService) this.declarePurpose(role, { kind: "identity", service: args.service });
    if (args.secretNames.length > 0) {
      const readAccess = new RolePolicy(
        `${name}-access-policy`,
        {
          name: "read-secrets",
          role: role.id,
          policy: pulumi
            .output(args.kmsKeyArn)
            .apply((kmsKeyArn) =>
              JSON.stringify(
                accessPolicy({ scope: args.scope, secretNames: args.secretNames, kmsKeyArn }),
              ),
            ),
        },
        { parent: this },
      );
      if (isService)
        this.declarePurpose(readAccess, {
          kind: "read-access",
          service: args.service,
          secrets: [...args.secretNames],
        });
    }
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
