import type * as pulumi from "@pulumi/pulumi";
import { LogGroup } from "@pulumi/aws/cloudwatch/index.js";
import { VaultpilotComponent } from "./component.js";
import type { TenantScope } from "../../cloud/aws/naming.js";

export interface EncryptedLogGroupArgs {
  readonly scope: TenantScope;
  /** The log group's name: under `/vaultpilot/<tenant>/` or `aws-waf-logs-vaultpilot_<tenant>_`, which the tenant key's policy lets CloudWatch Logs encrypt. */
  readonly logGroupName: string;
  /** The tenant's key (TenantKey), whose policy lets CloudWatch Logs use it for the tenant's log groups only. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Days the events are kept: a value CloudWatch Logs accepts (rule log-retention checks policies).
   * @default 365 - PCI DSS v4.0 10.5.1's 12 months, the stack's vaultpilot:logRetentionDays default
   */
  readonly retentionInDays?: number;
  /** Tags besides `vaultpilot:tenant`. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Earlier URNs of the log group (a group created before this component existed), so moving it
   * here does not replace it. @default []
   */
  readonly aliases?: pulumi.ComponentResourceOptions["aliases"];
}

/**
 * A CloudWatch Logs group encrypted with the tenant's KMS key, with a retention. Every log group
 * the program makes is one of these (rotation functions, WAF logs).
 */
export class EncryptedLogGroup extends VaultpilotComponent {
  readonly logGroupName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EncryptedLogGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:EncryptedLogGroup", name, { tenant: args.scope.tenant }, opts);
    const retentionInDays = args.retentionInDays ?? 365;
    const group = this.declarePurpose(
      new LogGroup(
        name,
        {
          name: args.logGroupName,
          retentionInDays,
          kmsKeyId: args.kmsKeyArn,
          tags: { ...args.tags, "vaultpilot:tenant": args.scope.tenant },
        },
        { parent: this, ...(args.aliases && { aliases: args.aliases }) },
      ),
      { kind: "log-retention", logGroup: args.logGroupName },
    );
    this.logGroupName = group.name;
    this.arn = group.arn;
    this.registerOutputs({ logGroupName: this.logGroupName });
  }
}
