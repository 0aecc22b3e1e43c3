import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { AccessEntry, AccessPolicyAssociation } from "@pulumi/aws/eks/index.js";
import { Role, RolePolicy } from "@pulumi/aws/iam/index.js";
import { Function as LambdaFunction, Permission } from "@pulumi/aws/lambda/index.js";
import { SecretRotation } from "@pulumi/aws/secretsmanager/index.js";
import { Queue } from "@pulumi/aws/sqs/index.js";
import { VaultpilotComponent } from "./component.js";
import { EncryptedLogGroup } from "./encrypted-log-group.js";
import {
  ec2InstancesArnPattern,
  ecsServiceArn,
  eksClusterArn,
  iamKeyUserArn,
  lambdaFunctionArn,
  logGroupArn,
  queueArn,
  rotationFunctionName,
  rotationLogGroupName,
  rotationQueueName,
  rotationRoleName,
  secretArnPattern,
  ssmDocumentArn,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument, PolicyStatement } from "../../cloud/aws/policy-document.js";
import { DEDUPE_TAG, type TenantNotifications } from "../../cloud/notification-routes.js";
import { rotationRules, type RotationScheduleInput } from "../../cloud/aws/rotation-rules.js";

export {
  rotationRules,
  type RotationRules,
  type RotationScheduleInput,
} from "../../cloud/aws/rotation-rules.js";

/** Where the rotation runtime's bundle is built (components/rotation, by its own build) and its handler. */
export const ROTATION_BUNDLE_DIR = "dist/rotation";

/**
 * The rotation bundle of the VaultPilot package this code runs from, relative to `cwd` (Pulumi runs
 * a program in its project directory): `dist/rotation` in this repository, and
 * `node_modules/vaultpilot/dist/rotation` in a team's repository that installed the package. Found
 * by walking up from this module (source, bundled chunk or installed package alike).
 * @default - `ROTATION_BUNDLE_DIR` when no built bundle is found (the build writes it there)
 */
export function rotationBundleDir(cwd: string = process.cwd()): string {
  bundleDir ??= findBundleDir();
  return bundleDir ? relative(cwd, bundleDir).split("\\").join("/") || "." : ROTATION_BUNDLE_DIR;
}

/** The absolute bundle directory, looked up once per process; null when not built. */
let bundleDir: string | null | undefined;

function findBundleDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ROTATION_BUNDLE_DIR);
    if (existsSync(join(candidate, "index.mjs"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
export const ROTATION_HANDLER = "index.handler";
/** Lambda's longest timeout (15 minutes): a rotation that waits for consumers to reload needs it. */
export const ROTATION_TIMEOUT_SECONDS = 900;

/**
 * A consumer the function reloads after a rotation, as far as its role must reach it: an ECS
 * service, a Lambda function (invoked too when health-checked), a Kubernetes deployment's namespace
 * in an EKS cluster, or the EC2 instances with these tags through an SSM document.
 */
export type ReloadTarget =
  | {
      readonly runtime: "ecs";
      readonly ecs: { readonly cluster: string; readonly service: string };
    }
  | {
      readonly runtime: "lambda";
      readonly lambda: { readonly function: string; readonly healthCheck?: boolean };
    }
  | {
      readonly runtime: "kubernetes";
      readonly kubernetes: { readonly namespace: string; readonly cluster?: string };
    }
  | {
      readonly runtime: "ec2";
      readonly ec2: {
        readonly instanceTags: Readonly<Record<string, string>>;
        readonly document: string;
      };
    };

/** What the role must reach for one secret: the runtime's configuration of it, and its master secret. */
export interface RotatedSecret {
  /** The policy's secret name. */
  readonly name: string;
  /** Alternating databases: the administrator secret (a policy name) whose AWSCURRENT the function reads. */
  readonly masterSecret?: string;
  /** Consumers to reload after finishSecret. @default [] */
  readonly reload?: readonly ReloadTarget[];
  /** Where critical alerts go. @default - none */
  readonly alertTopicArn?: string;
  /** Copied to Azure Key Vault, signing in with the credential in this Secrets Manager secret (a name). @default - none */
  readonly azureKeyVault?: { readonly credentialSecret?: string };
  /**
   * The tenant's notification routes: the function reads the Secrets Manager secrets they name
   * and keeps its deduplication tag (vaultpilot:notified) on the secret. @default - none
   */
  readonly notifications?: TenantNotifications;
}

/** A file the rotation runtime reads beside its handler (its configuration), as plain data. */
export interface RuntimeConfigFile {
  /** The file's name at the package's root, such as rotation-config.json. */
  readonly name: string;
  /** Written as JSON: policy data only, never a secret value. */
  readonly content: unknown;
}

const unique = <T>(values: readonly T[]) => [...new Set(values)];

/**
 * Notification routes: read the webhook URLs and signing keys kept in Secrets Manager, and write
 * only the deduplication tag on the secrets that notify (aws:TagKeys limits TagResource to it).
 */
export function notificationStatements(
  scope: TenantScope,
  secrets: readonly RotatedSecret[],
): PolicyStatement[] {
  const notifying = secrets.filter((s) => s.notifications && s.notifications.routes.length > 0);
  if (notifying.length === 0) return [];
  const sources = unique(
    notifying
      .flatMap((s) =>
        s.notifications!.routes.flatMap((r) =>
          r.target.kind === "slack"
            ? [r.target.url]
            : r.target.kind === "webhook"
              ? [r.target.url, r.target.signingKey]
              : [],
        ),
      )
      .flatMap((source) => ("secretsManager" in source ? [source.secretsManager] : [])),
  );
  const statements: PolicyStatement[] = [
    {
      Sid: "RememberNotifications",
      Effect: "Allow",
      Action: ["secretsmanager:TagResource"],
      Resource: notifying.map((s) => secretArnPattern(scope, s.name)),
      Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [DEDUPE_TAG] } },
    },
  ];
  if (sources.length > 0) {
    statements.push({
      Sid: "ReadNotificationSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: sources.map((name) =>
        name.startsWith("arn:")
          ? name
          : `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${name}-??????`,
      ),
    });
  }
  return statements;
}

/** Reloading consumers: exactly the services, functions, documents and tagged instances the configuration names. */
export function reloadStatements(
  scope: TenantScope,
  secrets: readonly RotatedSecret[],
): PolicyStatement[] {
  const targets = secrets.flatMap((s) => s.reload ?? []);
  const statements: PolicyStatement[] = [];
  const services = unique(
    targets.flatMap((t) =>
      t.runtime === "ecs" ? [ecsServiceArn(scope, t.ecs.cluster, t.ecs.service)] : [],
    ),
  );
  if (services.length > 0) {
    statements.push({
      Sid: "ReloadEcsServices",
      Effect: "Allow",
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: services,
    });
  }
  const lambdas = targets.flatMap((t) => (t.runtime === "lambda" ? [t.lambda] : []));
  if (lambdas.length > 0) {
    statements.push({
      Sid: "ReloadLambdaFunctions",
      Effect: "Allow",
      Action: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration"],
      Resource: unique(lambdas.map((l) => lambdaFunctionArn(scope, l.function))),
    });
  }
  const checked = lambdas.filter((l) => l.healthCheck === true);
  if (checked.length > 0) {
    statements.push({
      Sid: "HealthCheckLambdaFunctions",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: unique(checked.map((l) => lambdaFunctionArn(scope, l.function))),
    });
  }
  const clusters = kubernetesAccess(secrets).map((a) => eksClusterArn(scope, a.cluster));
  if (clusters.length > 0) {
    statements.push({
      // The endpoint and CA of each cluster a Kubernetes consumer names; the Kubernetes API
      // itself is authorized by the cluster (an access entry), not by IAM actions.
      Sid: "ReachEksClusters",
      Effect: "Allow",
      Action: ["eks:DescribeCluster"],
      Resource: clusters,
    });
  }
  const ec2 = targets.flatMap((t) => (t.runtime === "ec2" ? [t.ec2] : []));
  if (ec2.length > 0) {
    statements.push({
      Sid: "ReloadEc2RunDocuments",
      Effect: "Allow",
      Action: ["ssm:SendCommand"],
      Resource: unique(ec2.map((e) => ssmDocumentArn(scope, e.document))),
    });
    // SendCommand authorizes each targeted instance too: only instances with every tag of one target.
    const tagSets = unique(ec2.map((e) => JSON.stringify(Object.entries(e.instanceTags).sort())));
    tagSets.forEach((tags, i) => {
      statements.push({
        Sid: `ReloadEc2TaggedInstances${i + 1}`,
        Effect: "Allow",
        Action: ["ssm:SendCommand"],
        Resource: ec2InstancesArnPattern(scope),
        Condition: {
          StringEquals: Object.fromEntries(
            (JSON.parse(tags) as [string, string][]).map(([k, v]) => [`ssm:resourceTag/${k}`, v]),
          ),
        },
      });
    });
    statements.push({
      // ListCommands has no resource type in the service authorization reference: "*" only.
      Sid: "WatchReloadCommands",
      Effect: "Allow",
      Action: ["ssm:ListCommands"],
      Resource: "*",
    });
  }
  return statements;
}

/** The EKS access policy a rotation role gets in each namespace it restarts deployments in. */
export const EKS_RELOAD_ACCESS_POLICY =
  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";

/**
 * The EKS clusters the configuration's Kubernetes consumers name, each with the namespaces of
 * their deployments (sorted): where the rotation role needs Kubernetes access. Consumers without a
 * cluster are left out (the Lambda cannot reach them; `vaultpilot rotate` can).
 */
export function kubernetesAccess(
  secrets: readonly RotatedSecret[],
): { cluster: string; namespaces: string[] }[] {
  const byCluster = new Map<string, Set<string>>();
  for (const target of secrets.flatMap((s) => s.reload ?? [])) {
    if (target.runtime !== "kubernetes" || !target.kubernetes.cluster) continue;
    const namespaces = byCluster.get(target.kubernetes.cluster) ?? new Set<string>();
    namespaces.add(target.kubernetes.namespace);
    byCluster.set(target.kubernetes.cluster, namespaces);
  }
  return [...byCluster].map(([cluster, namespaces]) => ({
    cluster,
    namespaces: [...namespaces].sort(),
  }));
}

/** Extra actions a secret type's rotation needs beyond Secrets Manager, scoped to the tenant. */
export function typeSpecificStatements(
  scope: TenantScope,
  secretType: string,
  secrets: readonly RotatedSecret[],
): PolicyStatement[] {
  if (secretType === "aws-iam-key") {
    return [
      {
        Sid: "RotateTenantAccessKeys",
        Effect: "Allow",
        Action: [
          "iam:CreateAccessKey",
          "iam:DeleteAccessKey",
          "iam:ListAccessKeys",
          "iam:UpdateAccessKey",
        ],
        Resource: secrets.map((s) => iamKeyUserArn(scope, s.name)),
      },
    ];
  }
  return [
    {
      // GetRandomPassword acts on no resource: AWS accepts only "*" here.
      Sid: "GeneratePasswords",
      Effect: "Allow",
      Action: ["secretsmanager:GetRandomPassword"],
      Resource: "*",
    },
  ];
}

/**
 * The rotation function's own permissions: exactly what the runtime calls for these secrets (their
 * versions, master secrets, passwords, the tenant's key through Secrets Manager and SNS, alerts,
 * reloads, IAM keys), and its logs and queue.
 */
export function rotationFunctionPolicy(args: {
  scope: TenantScope;
  secretType: string;
  secrets: readonly RotatedSecret[];
  kmsKeyArn: string;
}): PolicyDocument {
  const { scope, secrets } = args;
  const masters = unique(secrets.flatMap((s) => (s.masterSecret ? [s.masterSecret] : [])));
  const topics = unique(secrets.flatMap((s) => (s.alertTopicArn ? [s.alertTopicArn] : [])));
  const viaService = (service: string) => ({
    StringEquals: { "kms:ViaService": `${service}.${scope.region}.amazonaws.com` },
  });
  const statements: PolicyStatement[] = [
    {
      Sid: "RotateTheseSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
      ],
      Resource: secrets.map((s) => secretArnPattern(scope, s.name)),
    },
  ];
  const azureCredentials = unique(
    secrets.flatMap((s) =>
      s.azureKeyVault?.credentialSecret ? [s.azureKeyVault.credentialSecret] : [],
    ),
  );
  if (azureCredentials.length > 0) {
    statements.push({
      Sid: "ReadAzureCredential",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: azureCredentials.map(
        (name) => `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${name}-??????`,
      ),
    });
  }
  statements.push(...notificationStatements(scope, secrets));
  if (masters.length > 0) {
    statements.push({
      Sid: "ReadMasterSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: masters.map((m) => secretArnPattern(scope, m)),
    });
  }
  statements.push(...typeSpecificStatements(scope, args.secretType, secrets), {
    Sid: "UseTenantKeyThroughSecretsManager",
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: args.kmsKeyArn,
    Condition: viaService("secretsmanager"),
  });
  if (topics.length > 0) {
    statements.push(
      { Sid: "PublishAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: topics },
      {
        // The alarm topic is encrypted with the tenant's key: publishing needs it, through SNS only.
        Sid: "UseTenantKeyThroughSns",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: args.kmsKeyArn,
        Condition: viaService("sns"),
      },
    );
  }
  statements.push(
    ...reloadStatements(scope, secrets),
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroupArn(scope, args.secretType)}:*`,
    },
    {
      Sid: "DeadLetters",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: queueArn(scope, args.secretType),
    },
  );
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The deployment package: the runtime's bundle at the root (FileArchive nested under ".") and,
 * beside index.mjs, rotation-config.json with every secret's configuration (Lambda's environment is
 * limited to 4 KB, too little for a tenant's 100 secrets). Only policy data, never a secret value.
 */
export function rotationPackage(
  config: RuntimeConfigFile,
  bundleDir = rotationBundleDir(),
): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    ".": new pulumi.asset.FileArchive(bundleDir),
    [config.name]: new pulumi.asset.StringAsset(`${JSON.stringify(config.content, null, 2)}\n`),
  });
}

/** Only Lambda may assume the role, and only for functions of the tenant's account. */
export function lambdaTrustPolicy(scope: TenantScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LambdaOfTenantAccount",
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": scope.account } },
      },
    ],
  };
}

export interface RotationFunctionArgs {
  readonly scope: TenantScope;
  /** The secret type this function rotates. */
  readonly secretType: string;
  /** The tenant's secrets of that type: one SecretRotation each. */
  readonly secrets: readonly {
    readonly name: string;
    readonly secretId: pulumi.Input<string>;
    readonly schedule: RotationScheduleInput;
    /** What the role must reach to rotate it (its reloads and alert topic). */
    readonly config: RotatedSecret;
    /** Alternating databases: the master secret's policy name, which the function reads. */
    readonly masterSecret?: string;
  }[];
  /** The tenant's key: encrypts the log group, and the function uses it through Secrets Manager. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * The deployment package.
   * @default - `rotationPackage(runtimeConfig)`: the rotation runtime's bundle (`dist/rotation`)
   * with `runtimeConfig` beside index.mjs
   */
  readonly code?: pulumi.asset.Archive;
  /**
   * The runtime's configuration of these secrets, written into the default package (the program
   * passes the rotation runtime's `rotation-config.json`). Unused when `code` is given.
   */
  readonly runtimeConfig: RuntimeConfigFile;
  /** @default "index.handler" */
  readonly handler?: string;
  /** @default "nodejs22.x" */
  readonly runtime?: string;
  /** Seconds; reloads wait up to 5 minutes per consumer, so Lambda's maximum. @default 900 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memorySize?: number;
  /** Days the function's logs are kept (PCI DSS asks for a year). @default 365 */
  readonly logRetentionDays?: number;
  /**
   * Give the role an EKS access entry in each cluster its Kubernetes consumers name, with
   * AmazonEKSEditPolicy scoped to their namespaces (the cluster's authentication mode must allow
   * access entries: API or API_AND_CONFIG_MAP). Turn off to map the role in aws-auth yourself.
   * @default true
   */
  readonly eksAccessEntries?: boolean;
}

/**
 * The Lambda that rotates a tenant's secrets of one type (one function per tenant and type, not per
 * secret: a tenant with 20 postgres secrets has one postgres rotator), with its role, encrypted log
 * group, dead-letter queue, the permission for Secrets Manager to invoke it, and a SecretRotation
 * per secret.
 */
export class RotationFunction extends VaultpilotComponent {
  readonly functionArn: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: RotationFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "vaultpilot:aws:RotationFunction",
      name,
      { tenant: args.scope.tenant, secretType: args.secretType },
      opts,
    );
    const { scope, secretType } = args;
    const code = args.code ?? rotationPackage(args.runtimeConfig);
    const handler = args.handler ?? ROTATION_HANDLER;
    const runtime = args.runtime ?? "nodejs22.x";
    const timeout = args.timeoutSeconds ?? ROTATION_TIMEOUT_SECONDS;
    const memorySize = args.memorySize ?? 256;
    const retentionInDays = args.logRetentionDays ?? 365;
    const eksAccessEntries = args.eksAccessEntries ?? true;
    const tags = { "vaultpilot:tenant": scope.tenant, "vaultpilot:type": secretType };

    const role = new Role(
      `${name}-rotation-role`,
      {
        name: rotationRoleName(scope.tenant, secretType),
        assumeRolePolicy: JSON.stringify(lambdaTrustPolicy(scope)),
        tags,
      },
      { parent: this },
    );
    const policy = new RolePolicy(
      `${name}-rotation-policy`,
      {
        name: "rotation",
        role: role.id,
        policy: pulumi.output(args.kmsKeyArn).apply((kmsKeyArn) =>
          JSON.stringify(
            rotationFunctionPolicy({
              scope,
              secretType,
              secrets: args.secrets.map((s) => ({
                ...s.config,
                ...(s.masterSecret && { masterSecret: s.masterSecret }),
              })),
              kmsKeyArn,
            }),
          ),
        ),
      },
      { parent: this },
    );
    // Moved under EncryptedLogGroup: the alias keeps existing stacks' log group (no replacement).
    const logs = new EncryptedLogGroup(
      `${name}-logs`,
      {
        scope,
        logGroupName: rotationLogGroupName(scope.tenant, secretType),
        retentionInDays,
        kmsKeyArn: args.kmsKeyArn,
        tags,
        aliases: [{ parent: this }],
      },
      { parent: this },
    );
    const deadLetters = new Queue(
      `${name}-dlq`,
      {
        name: rotationQueueName(scope.tenant, secretType),
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: 1_209_600,
        tags,
      },
      { parent: this },
    );
    const fn = new LambdaFunction(
      `${name}-function`,
      {
        name: rotationFunctionName(scope.tenant, secretType),
        role: role.arn,
        runtime,
        handler,
        code,
        timeout,
        memorySize,
        deadLetterConfig: { targetArn: deadLetters.arn },
        loggingConfig: { logFormat: "JSON", logGroup: logs.logGroupName },
        environment: {
          variables: { VAULTPILOT_TENANT: scope.tenant, VAULTPILOT_SECRET_TYPE: secretType },
        },
        tags,
      },
      { parent: this, dependsOn: [policy, logs] },
    );
    const permission = new Permission(
      `${name}-invoke`,
      {
        statementId: "SecretsManagerRotation",
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "secretsmanager.amazonaws.com",
        sourceAccount: scope.account,
      },
      { parent: this },
    );
    if (eksAccessEntries) {
      for (const { cluster, namespaces } of kubernetesAccess(args.secrets.map((s) => s.config))) {
        const entry = new AccessEntry(
          `${name}-eks-${cluster}`,
          { clusterName: cluster, principalArn: role.arn, type: "STANDARD", tags },
          { parent: this },
        );
        new AccessPolicyAssociation(
          `${name}-eks-${cluster}-edit`,
          {
            clusterName: cluster,
            principalArn: entry.principalArn,
            policyArn: EKS_RELOAD_ACCESS_POLICY,
            accessScope: { type: "namespace", namespaces },
          },
          { parent: this },
        );
      }
    }
    for (const secret of args.secrets) {
      // Without dependsOn the permission, Secrets Manager may try the function before it may invoke it.
      this.declarePurpose(
        new SecretRotation(
          `${scope.tenant}/${secret.name}-rotation`,
          {
            secretId: secret.secretId,
            rotationLambdaArn: fn.arn,
            rotationRules: rotationRules(secret.schedule),
          },
          { parent: this, dependsOn: [permission] },
        ),
        { kind: "rotation", secret: secret.name },
      );
    }
    this.functionArn = fn.arn;
    this.functionName = fn.name;
    this.roleArn = role.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
