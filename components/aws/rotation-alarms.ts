import * as pulumi from "@pulumi/pulumi";
import { EventRule, EventTarget, MetricAlarm } from "@pulumi/aws/cloudwatch/index.js";
import { Topic, TopicPolicy, TopicSubscription } from "@pulumi/aws/sns/index.js";
import { VaultpilotComponent } from "./component.js";
import {
  alarmTopicName,
  backupFailureRuleArn,
  errorAlarmArnPattern,
  errorAlarmName,
  failureRuleArn,
  failureRuleName,
  rotationAlarmName,
  topicArn,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument, PolicyStatement } from "../../cloud/aws/policy-document.js";

/**
 * Only the tenant's failure rule and error alarms may publish to its topic, and its backup failure
 * rule when `backupFailures` (the tenant has backups: components/aws/tenant-backup.ts).
 */
export function alarmTopicPolicy(scope: TenantScope, backupFailures = false): PolicyDocument {
  const policy: { Version: "2012-10-17"; Statement: PolicyStatement[] } = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FailureRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: topicArn(scope),
        Condition: { ArnEquals: { "aws:SourceArn": failureRuleArn(scope) } },
      },
      {
        Sid: "ErrorAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: topicArn(scope),
        Condition: {
          ArnLike: { "aws:SourceArn": errorAlarmArnPattern(scope) },
          StringEquals: { "aws:SourceAccount": scope.account },
        },
      },
    ],
  };
  if (backupFailures) {
    policy.Statement.push({
      Sid: "BackupFailureRulePublishes",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["sns:Publish"],
      Resource: topicArn(scope),
      Condition: { ArnEquals: { "aws:SourceArn": backupFailureRuleArn(scope) } },
    });
  }
  return policy;
}

/** Secrets Manager reports failed and abandoned rotations through CloudTrail events. */
export function rotationFailurePattern(scope: TenantScope) {
  return {
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: {
      eventName: ["RotationFailed", "RotationAbandoned"],
      additionalEventData: {
        SecretId: [
          {
            prefix: `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:vaultpilot/${scope.tenant}/`,
          },
        ],
      },
    },
  };
}

export interface RotationAlarmsArgs {
  readonly scope: TenantScope;
  /** The tenant's key, which encrypts the topic. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * The tenant's rotation functions by secret type, each with alarms on errors, throttles, and a
   * p99 duration above `durationAlarmRatio` of its timeout.
   */
  readonly functions: readonly {
    readonly secretType: string;
    readonly functionName: pulumi.Input<string>;
    /** The function's timeout, in seconds. */
    readonly timeoutSeconds: number;
  }[];
  /**
   * The share of a function's timeout its p99 duration may reach before the alarm fires: a
   * function near its timeout is about to be cut off mid-rotation. @default 0.8
   */
  readonly durationAlarmRatio?: number;
  /**
   * Where the topic delivers: an HTTPS endpoint (kept secret: webhook URLs carry tokens).
   * @default "none" - no subscription; subscribe outside VaultPilot
   */
  readonly notify?: "none" | { readonly httpsEndpoint: pulumi.Input<string> };
  /** Minutes of errors before the alarm fires. @default 5 */
  readonly periodMinutes?: number;
  /** Let the tenant's backup failure rule publish too. @default false - the tenant has no backups */
  readonly backupFailures?: boolean;
}

/**
 * A tenant's rotation alarms: a KMS-encrypted SNS topic, an EventBridge rule on rotation
 * failures of the tenant's secrets, and an alarm on each rotation function's errors.
 */
export class RotationAlarms extends VaultpilotComponent {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: RotationAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:RotationAlarms", name, { tenant: args.scope.tenant }, opts);
    const { scope } = args;
    const notify = args.notify ?? "none";
    const period = (args.periodMinutes ?? 5) * 60;
    const tags = { "vaultpilot:tenant": scope.tenant };

    const topic = new Topic(
      `${name}-alarm-topic`,
      { name: alarmTopicName(scope.tenant), kmsMasterKeyId: args.kmsKeyArn, tags },
      { parent: this },
    );
    new TopicPolicy(
      `${name}-alarm-topic-policy`,
      { arn: topic.arn, policy: JSON.stringify(alarmTopicPolicy(scope, args.backupFailures)) },
      { parent: this },
    );
    if (notify !== "none") {
      new TopicSubscription(
        `${name}-alarm-subscription`,
        { topic: topic.arn, protocol: "https", endpoint: pulumi.secret(notify.httpsEndpoint) },
        { parent: this },
      );
    }
    const rule = new EventRule(
      `${name}-rotation-failures`,
      {
        name: failureRuleName(scope.tenant),
        description: `Failed or abandoned rotations of tenant ${scope.tenant}'s secrets`,
        eventPattern: JSON.stringify(rotationFailurePattern(scope)),
        tags,
      },
      { parent: this },
    );
    new EventTarget(
      `${name}-rotation-failures-target`,
      { rule: rule.name, targetId: "alarm-topic", arn: topic.arn },
      { parent: this },
    );
    const durationRatio = args.durationAlarmRatio ?? 0.8;
    for (const fn of args.functions) {
      const common = {
        namespace: "AWS/Lambda",
        dimensions: { FunctionName: fn.functionName },
        period,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        tags,
      };
      new MetricAlarm(
        `${name}/${fn.secretType}-rotation-throttles`,
        {
          ...common,
          name: rotationAlarmName(scope.tenant, fn.secretType, "throttles"),
          alarmDescription: `Rotation function for ${fn.secretType} secrets of tenant ${scope.tenant} was throttled`,
          metricName: "Throttles",
          statistic: "Sum",
          threshold: 0,
        },
        { parent: this },
      );
      new MetricAlarm(
        `${name}/${fn.secretType}-rotation-duration`,
        {
          ...common,
          name: rotationAlarmName(scope.tenant, fn.secretType, "duration"),
          alarmDescription: `Rotation function for ${fn.secretType} secrets of tenant ${scope.tenant} ran near its ${fn.timeoutSeconds} s timeout (p99 above ${Math.round(durationRatio * 100)}%)`,
          metricName: "Duration",
          extendedStatistic: "p99",
          // Duration is in milliseconds.
          threshold: Math.round(fn.timeoutSeconds * 1000 * durationRatio),
        },
        { parent: this },
      );
      new MetricAlarm(
        `${name}/${fn.secretType}-rotation-errors`,
        {
          name: errorAlarmName(scope.tenant, fn.secretType),
          alarmDescription: `Rotation function for ${fn.secretType} secrets of tenant ${scope.tenant} failed`,
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: fn.functionName },
          statistic: "Sum",
          period,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          tags,
        },
        { parent: this },
      );
    }
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
