import * as pulumi from "@pulumi/pulumi";
import { LogGroup } from "@pulumi/aws/cloudwatch/index.js";
import { Role, RolePolicy } from "@pulumi/aws/iam/index.js";
import { Function as LambdaFunction, Permission } from "@pulumi/aws/lambda/index.js";
import { SecretRotation } from "@pulumi/aws/secretsmanager/index.js";
import { Queue } from "@pulumi/aws/sqs/index.js";
import { VaultpilotComponent } from "./component.js";
import {
  logGroupArn,
  queueArn,
  rotationFunctionName,
  rotationLogGroupName,
  rotationQueueName,
  rotationRoleName,
  secretArnPattern,
  type TenantScope,
} from "./naming.js";
import type { PolicyDocument, PolicyStatement } from "./policy-document.js";

/** Where the rotation runtime's bundle is built (components/rotation, by its own build) and its handler. */
export const ROTATION_BUNDLE_DIR = "dist/rotation";
export const ROTATION_HANDLER = "index.handler";

/** A rotation schedule as the policies give it. */
export interface RotationScheduleInput {
  readonly everyDays: number;
  /** UTC start "HH:MM" and length in hours of the window rotation must start in. */
  readonly window?: { readonly start: string; readonly durationHours: number };
}

export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

/**
 * Secrets Manager's rotation rules for a schedule. Without a window: every N days. With one, a
 * `cron()` that starts at the window (a `rate()` cannot set a start time): daily, weekly, every N
 * days of the month (restarting on the 1st, so never longer apart than N) or every whole number
 * of months for N >= 28 (again never longer apart than asked).
 */
export function rotationRules(schedule: RotationScheduleInput): RotationRules {
  const { everyDays, window } = schedule;
  if (!window) return { automaticallyAfterDays: everyDays };
  const [hours, minutes] = window.start.split(":").map(Number);
  const at = `${minutes} ${hours}`;
  let cron: string;
  if (everyDays === 1) cron = `${at} * * ? *`;
  else if (everyDays === 7) cron = `${at} ? * SUN *`;
  else if (everyDays < 28) cron = `${at} 1/${everyDays} * ? *`;
  else {
    const months = Math.floor(everyDays / 30) || 1;
    cron = months >= 12 ? `${at} 1 1 ? *` : `${at} 1 ${months === 1 ? "*" : `1/${months}`} ? *`;
  }
  return { scheduleExpression: `cron(${cron})`, duration: `${window.durationHours}h` };
}

/** Extra actions a secret type's rotation needs beyond Secrets Manager, scoped to the tenant. */
export function typeSpecificStatements(scope: TenantScope, secretType: string): PolicyStatement[] {
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
        Resource: `arn:aws:iam::${scope.account}:user/vaultpilot/${scope.tenant}/*`,
      },
    ];
  }
  return [];
}

/** The rotation function's own permissions: its secrets, its key (through Secrets Manager), its logs and queue. */
export function rotationFunctionPolicy(args: {
  scope: TenantScope;
  secretType: string;
  secretNames: readonly string[];
  kmsKeyArn: string;
}): PolicyDocument {
  const { scope } = args;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RotateTheseSecrets",
        Effect: "Allow",
        Action: [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ],
        Resource: args.secretNames.map((s) => secretArnPattern(scope, s)),
      },
      {
        // GetRandomPassword acts on no resource: AWS accepts only "*" here.
        Sid: "GeneratePasswords",
        Effect: "Allow",
        Action: ["secretsmanager:GetRandomPassword"],
        Resource: "*",
      },
      {
        Sid: "UseTenantKeyThroughSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: args.kmsKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` },
        },
      },
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
      ...typeSpecificStatements(scope, args.secretType),
    ],
  };
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
  }[];
  /** The tenant's key: encrypts the log group, and the function uses it through Secrets Manager. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * The deployment package.
   * @default - the directory `dist/rotation` (the rotation runtime's bundle), zipped
   */
  readonly code?: pulumi.asset.Archive;
  /** @default "index.handler" */
  readonly handler?: string;
  /** @default "nodejs22.x" */
  readonly runtime?: string;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memorySize?: number;
  /** Days the function's logs are kept (PCI DSS asks for a year). @default 365 */
  readonly logRetentionDays?: number;
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
    const code = args.code ?? new pulumi.asset.FileArchive(ROTATION_BUNDLE_DIR);
    const handler = args.handler ?? ROTATION_HANDLER;
    const runtime = args.runtime ?? "nodejs22.x";
    const timeout = args.timeoutSeconds ?? 60;
    const memorySize = args.memorySize ?? 256;
    const retentionInDays = args.logRetentionDays ?? 365;
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
              secretNames: args.secrets.map((s) => s.name),
              kmsKeyArn,
            }),
          ),
        ),
      },
      { parent: this },
    );
    const logs = new LogGroup(
      `${name}-logs`,
      {
        name: rotationLogGroupName(scope.tenant, secretType),
        retentionInDays,
        kmsKeyId: args.kmsKeyArn,
        tags,
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
        loggingConfig: { logFormat: "JSON", logGroup: logs.name },
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
    for (const secret of args.secrets) {
      // Without dependsOn the permission, Secrets Manager may try the function before it may invoke it.
      new SecretRotation(
        `${scope.tenant}/${secret.name}-rotation`,
        {
          secretId: secret.secretId,
          rotationLambdaArn: fn.arn,
          rotationRules: rotationRules(secret.schedule),
        },
        { parent: this, dependsOn: [permission] },
      );
    }
    this.functionArn = fn.arn;
    this.functionName = fn.name;
    this.roleArn = role.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
