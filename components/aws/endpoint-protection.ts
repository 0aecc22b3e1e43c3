import type * as pulumi from "@pulumi/pulumi";
import type * as inputs from "@pulumi/aws/types/input.js";
import { MethodSettings } from "@pulumi/aws/apigateway/index.js";
import { MetricAlarm } from "@pulumi/aws/cloudwatch/index.js";
import {
  IpSet,
  WebAcl,
  WebAclAssociation,
  WebAclLoggingConfiguration,
} from "@pulumi/aws/wafv2/index.js";
import { VaultpilotComponent } from "./component.js";
import { EncryptedLogGroup } from "./encrypted-log-group.js";
import {
  ipSetName,
  wafBlockedAlarmName,
  wafLogGroupName,
  webAclName,
  type TenantScope,
} from "../../cloud/aws/naming.js";

/** The headers WAF logs never carry: credentials and session cookies. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

/** An entry point's WAF settings, defaults applied by the policy model (program/protection/model.ts). */
export interface WebAclSettings {
  /** AWS managed rule groups by name, evaluated last, in this order. */
  readonly managedRuleGroups: readonly string[];
  /** Requests per window from one client IP before it is blocked; absent: no rate rule. */
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number };
  /** Countries blocked, or the only ones allowed; absent: no geographic rule. */
  readonly countries?: { readonly action: "block" | "allow"; readonly codes: readonly string[] };
  /** Trusted CIDRs, allowed before any other rule. */
  readonly allow: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  /** Log every request to an encrypted `aws-waf-logs-` log group. */
  readonly logging: boolean;
  /** Blocked requests in 5 minutes above which the alarm fires. */
  readonly blockedRequestsAlarm: number;
}

export interface ThrottlingSettings {
  /** Steady requests per second for every method of the stage. */
  readonly rate: number;
  /** Requests at once for every method of the stage. */
  readonly burst: number;
  /** Per-route overrides: "METHOD /path". */
  readonly routes: readonly {
    readonly route: string;
    readonly rate: number;
    readonly burst: number;
  }[];
}

export interface EndpointProtectionArgs {
  readonly scope: TenantScope;
  /** The entry point's name in the policy: names its web ACL, IP sets, log group and alarm. */
  readonly entryPoint: string;
  /** rest-api (an API Gateway REST API stage) or alb. */
  readonly kind: "rest-api" | "alb";
  /** The stage's or load balancer's ARN (rule entry-point checks its shape). */
  readonly resourceArn: string;
  /** The web ACL; absent: no web ACL (throttling only). */
  readonly waf?: WebAclSettings;
  /** rest-api only: the stage's throttling; absent: the stage keeps its own. */
  readonly throttling?: ThrottlingSettings;
  /** The tenant's key, for the WAF log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The tenant's alarm topic (RotationAlarms makes it), where the blocked-requests alarm goes. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /**
   * Days the WAF log group keeps requests.
   * @default 365 - PCI DSS v4.0 10.5.1's 12 months, the stack's vaultpilot:logRetentionDays default
   */
  readonly logRetentionDays?: number;
}

type Rule = inputs.wafv2.WebAclRule;

/** The stage-wide throttling's route, as the plan names it. */
const EVERY_METHOD = "every method";

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The web ACL's rules, in evaluation order: the allow lists (a trusted address skips the rest),
 * the geographic rule, the per-IP rate limit, then each managed rule group with its own actions.
 */
export function webAclRules(
  waf: WebAclSettings,
  ipSetArns: { readonly ipv4?: pulumi.Input<string>; readonly ipv6?: pulumi.Input<string> },
): Rule[] {
  const rules: Rule[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    const arn = ipSetArns[family];
    if (arn === undefined) continue;
    rules.push({
      name: `allow-${family}`,
      priority: rules.length,
      action: { allow: {} },
      statement: { ipSetReferenceStatement: { arn } },
      visibilityConfig: visibility(`allow-${family}`),
    });
  }
  if (waf.countries) {
    const geo = { geoMatchStatement: { countryCodes: [...waf.countries.codes] } };
    rules.push({
      name: `countries-${waf.countries.action}`,
      priority: rules.length,
      action: { block: {} },
      statement: waf.countries.action === "block" ? geo : { notStatement: { statement: geo } },
      visibilityConfig: visibility(`countries-${waf.countries.action}`),
    });
  }
  if (waf.rateLimit) {
    rules.push({
      name: "rate-limit",
      priority: rules.length,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: waf.rateLimit.limit,
          evaluationWindowSec: waf.rateLimit.windowSeconds,
          aggregateKeyType: "IP",
        },
      },
      visibilityConfig: visibility("rate-limit"),
    });
  }
  for (const group of waf.managedRuleGroups) {
    rules.push({
      name: group,
      priority: rules.length,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
      visibilityConfig: visibility(group),
    });
  }
  return rules;
}

/**
 * The `methodPath` of API Gateway method settings for a route ("GET /orders/{id}"): the resource
 * path with each "/" written "~1", then the method ("*" for ANY), as UpdateStage's patch paths
 * name a method (API Gateway API Reference, UpdateStage; the provider prefixes the leading "/").
 */
export function methodPath(route: string): string {
  const [method = "", path = "/"] = route.split(" ");
  return `${path.replace(/\//g, "~1")}/${method === "ANY" ? "*" : method}`;
}

/** The REST API id and stage an API Gateway stage ARN names. */
export function restApiStage(arn: string): { restApi: string; stage: string } {
  const match = /::\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(arn);
  if (!match) throw new Error(`"${arn}" is not an API Gateway REST API stage ARN`);
  return { restApi: match[1]!, stage: match[2]! };
}

/**
 * One public entry point of a tenant, protected: a regional WAF web ACL (allow-list IP sets per
 * address family, geographic, rate-based and AWS managed rules) associated with the stage or load
 * balancer, its requests logged to an encrypted `aws-waf-logs-` log group with credentials
 * redacted, an alarm on blocked requests to the tenant's topic, and, for a REST API stage, its
 * throttling as method settings.
 */
export class EndpointProtection extends VaultpilotComponent {
  readonly webAclArn?: pulumi.Output<string>;

  constructor(name: string, args: EndpointProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:EndpointProtection", name, { tenant: args.scope.tenant }, opts);
    const { scope, entryPoint, waf } = args;
    const tags = { "vaultpilot:tenant": scope.tenant, "vaultpilot:entry-point": entryPoint };
    if (args.throttling && args.kind !== "rest-api") {
      throw new Error(`entry point ${entryPoint}: throttling applies to rest-api stages only`);
    }

    if (waf) {
      const ipSetArns: { ipv4?: pulumi.Output<string>; ipv6?: pulumi.Output<string> } = {};
      for (const [family, version] of [
        ["ipv4", 4],
        ["ipv6", 6],
      ] as const) {
        const addresses = waf.allow[family];
        if (addresses.length === 0) continue;
        const set = this.declarePurpose(
          new IpSet(
            `${name}-allow-${family}`,
            {
              name: ipSetName(scope.tenant, entryPoint, version),
              description: `Trusted addresses of entry point ${entryPoint} of tenant ${scope.tenant}`,
              scope: "REGIONAL",
              ipAddressVersion: family.toUpperCase(),
              addresses: [...addresses],
              tags,
            },
            { parent: this },
          ),
          { kind: "allow-list", entryPoint },
        );
        ipSetArns[family] = set.arn;
      }
      const aclName = webAclName(scope.tenant, entryPoint);
      const acl = this.declarePurpose(
        new WebAcl(
          `${name}-web-acl`,
          {
            name: aclName,
            description: `Entry point ${entryPoint} of tenant ${scope.tenant}`,
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: webAclRules(waf, ipSetArns),
            visibilityConfig: visibility(aclName),
            tags,
          },
          { parent: this },
        ),
        { kind: "traffic-filter", entryPoint },
      );
      new WebAclAssociation(
        `${name}-association`,
        { resourceArn: args.resourceArn, webAclArn: acl.arn },
        { parent: this },
      );
      if (waf.logging) {
        const logs = new EncryptedLogGroup(
          `${name}-waf-logs`,
          {
            scope,
            logGroupName: wafLogGroupName(scope.tenant, entryPoint),
            kmsKeyArn: args.kmsKeyArn,
            ...(args.logRetentionDays !== undefined && {
              retentionInDays: args.logRetentionDays,
            }),
            tags,
          },
          { parent: this },
        );
        new WebAclLoggingConfiguration(
          `${name}-waf-logging`,
          {
            resourceArn: acl.arn,
            logDestinationConfigs: [logs.arn],
            redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
          },
          { parent: this },
        );
      }
      new MetricAlarm(
        `${name}-waf-blocked`,
        {
          name: wafBlockedAlarmName(scope.tenant, entryPoint),
          alarmDescription: `More than ${waf.blockedRequestsAlarm} requests to entry point ${entryPoint} of tenant ${scope.tenant} blocked in 5 minutes`,
          namespace: "AWS/WAFV2",
          metricName: "BlockedRequests",
          dimensions: { WebACL: aclName, Region: scope.region, Rule: "ALL" },
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: waf.blockedRequestsAlarm,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.alarmTopicArn],
          tags,
        },
        { parent: this },
      );
      this.webAclArn = acl.arn;
    }

    if (args.throttling) {
      const { restApi, stage } = restApiStage(args.resourceArn);
      const throttled = (route: string, path: string, limits: { rate: number; burst: number }) =>
        this.declarePurpose(
          new MethodSettings(
            route === EVERY_METHOD ? `${name}-throttling` : `${name}-throttling ${route}`,
            {
              restApi,
              stageName: stage,
              methodPath: path,
              settings: {
                throttlingRateLimit: limits.rate,
                throttlingBurstLimit: limits.burst,
              },
            },
            { parent: this },
          ),
          { kind: "throttling", entryPoint, route },
        );
      throttled(EVERY_METHOD, "*/*", args.throttling);
      for (const route of args.throttling.routes)
        throttled(route.route, methodPath(route.route), route);
    }
    this.registerOutputs({ webAclArn: this.webAclArn });
  }
}
