import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AssociateWebACLCommand,
  CreateIPSetCommand,
  CreateWebACLCommand,
  GetIPSetCommand,
  GetLoggingConfigurationCommand,
  GetWebACLCommand,
  GetWebACLForResourceCommand,
  PutLoggingConfigurationCommand,
  WAFV2Client,
  type Rule,
} from "@aws-sdk/client-wafv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

// The WAF resources the program records for the example's globex/storefront entry point are
// created in moto through the AWS SDK with the same content, and read back equal: the web ACL's
// rules as the provider would send them (camelCase inputs → the API's names), its IP sets, its
// association with a REST API stage moto knows, the encrypted log group and the logging
// configuration with its redacted headers.

const model = validatePolicies("policies").model!;
const run = await runProgram(
  model,
  readStackSettings("contract", () => undefined),
  {
    only: new Set(["globex"]),
  },
);
const recorded = (type: string, name: string): Record<string, unknown> => {
  const found = run.resources.find((r: SubjectResource) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found.inputs as Record<string, unknown>;
};
const entry = "globex/storefront";
const acl = recorded("aws:wafv2/webAcl:WebAcl", `${entry}-web-acl`);
const ipv4 = recorded("aws:wafv2/ipSet:IpSet", `${entry}-allow-ipv4`);
const ipv6 = recorded("aws:wafv2/ipSet:IpSet", `${entry}-allow-ipv6`);
const association = recorded(
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  `${entry}-association`,
);
const logging = recorded(
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  `${entry}-waf-logging`,
);
const logGroup = recorded("aws:cloudwatch/logGroup:LogGroup", `${entry}-waf-logs`);

/** Pulumi's input names → the WAFv2 API's (the provider's own mapping, for the fields used here). */
const API_NAMES: Record<string, string> = {
  arn: "ARN",
  ipSetReferenceStatement: "IPSetReferenceStatement",
  cloudwatchMetricsEnabled: "CloudWatchMetricsEnabled",
};
function toApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApi);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      API_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1),
      toApi(v),
    ]),
  );
}

const region = model.tenants.find((t) => t.name === "globex")!.aws.region;
let moto: MotoServer;
let waf: WAFV2Client;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  moto = await startMoto();
  const config = { ...MOTO_CREDENTIALS, region, endpoint: moto.endpoint, maxAttempts: 1 };
  waf = new WAFV2Client(config);
  logs = new CloudWatchLogsClient(config);
}, 90_000);

afterAll(async () => {
  waf?.destroy();
  logs?.destroy();
  await moto?.stop();
});

/**
 * A REST API with a deployed stage in moto (API Gateway's REST calls; no SDK client for API
 * Gateway is installed). Returns the stage's ARN, with moto's API id in place of the example's.
 */
async function restApiStage(stage: string): Promise<string> {
  const call = async (method: string, path: string, body: object) => {
    const response = await fetch(`${moto.endpoint}${path}`, {
      method,
      body: JSON.stringify(body),
      headers: {
        "content-type": "application/json",
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/apigateway/aws4_request, SignedHeaders=host, Signature=0`,
      },
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as { id: string; rootResourceId?: string };
  };
  const api = await call("POST", "/restapis", { name: "storefront" });
  const methods = `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`;
  await call("PUT", methods, { authorizationType: "NONE" });
  await call("PUT", `${methods}/integration`, { type: "MOCK" });
  await call("POST", `/restapis/${api.id}/deployments`, { stageName: stage });
  return String(association.resourceArn).replace(/\/restapis\/[^/]+\//, `/restapis/${api.id}/`);
}

describe("the program's WAF resources in moto", () => {
  it("creates the IP sets, web ACL, association and logging the program records, and reads them back equal", async () => {
    const ipSetArns: Record<string, string> = {};
    for (const set of [ipv4, ipv6]) {
      const created = await waf.send(
        new CreateIPSetCommand({
          Name: String(set.name),
          Description: String(set.description),
          Scope: String(set.scope) as "REGIONAL",
          IPAddressVersion: String(set.ipAddressVersion) as "IPV4" | "IPV6",
          Addresses: set.addresses as string[],
        }),
      );
      const read = await waf.send(
        new GetIPSetCommand({
          Name: String(set.name),
          Scope: "REGIONAL",
          Id: created.Summary!.Id!,
        }),
      );
      expect(read.IPSet).toMatchObject({
        Name: set.name,
        Description: set.description,
        IPAddressVersion: set.ipAddressVersion,
        Addresses: set.addresses,
      });
      // The program wires each IP set's ARN into its rule: the recorded rule holds the mock's ARN.
      ipSetArns[`arn:aws:wafv2:${region}:222222222222:ip-set/${String(set.name)}`] =
        created.Summary!.ARN!;
    }

    const rules = (toApi(acl.rules) as Rule[]).map((rule) => {
      const arn = rule.Statement?.IPSetReferenceStatement?.ARN;
      return arn
        ? { ...rule, Statement: { IPSetReferenceStatement: { ARN: ipSetArns[arn]! } } }
        : rule;
    });
    expect(rules.map((r) => r.Name)).toEqual([
      "allow-ipv4",
      "allow-ipv6",
      "countries-block",
      "rate-limit",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesLinuxRuleSet",
    ]);
    const createdAcl = await waf.send(
      new CreateWebACLCommand({
        Name: String(acl.name),
        Description: String(acl.description),
        Scope: "REGIONAL",
        DefaultAction: toApi(acl.defaultAction) as { Allow: object },
        Rules: rules,
        VisibilityConfig: toApi(acl.visibilityConfig) as {
          SampledRequestsEnabled: boolean;
          CloudWatchMetricsEnabled: boolean;
          MetricName: string;
        },
      }),
    );
    const readAcl = await waf.send(
      new GetWebACLCommand({
        Name: String(acl.name),
        Scope: "REGIONAL",
        Id: createdAcl.Summary!.Id!,
      }),
    );
    expect(readAcl.WebACL!.Rules).toEqual(rules);
    expect(readAcl.WebACL).toMatchObject({
      Name: acl.name,
      DefaultAction: { Allow: {} },
      VisibilityConfig: toApi(acl.visibilityConfig),
    });

    const stageArn = await restApiStage("prod");
    await waf.send(
      new AssociateWebACLCommand({ WebACLArn: createdAcl.Summary!.ARN!, ResourceArn: stageArn }),
    );
    const associated = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: stageArn }));
    expect(associated.WebACL?.Name).toBe(acl.name);

    await logs.send(
      new CreateLogGroupCommand({
        logGroupName: String(logGroup.name),
        kmsKeyId: String(logGroup.kmsKeyId),
      }),
    );
    await logs.send(
      new PutRetentionPolicyCommand({
        logGroupName: String(logGroup.name),
        retentionInDays: Number(logGroup.retentionInDays),
      }),
    );
    const [group] = (
      await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: String(logGroup.name) }))
    ).logGroups!;
    expect(group).toMatchObject({
      logGroupName: "aws-waf-logs-vaultpilot_globex_storefront",
      retentionInDays: logGroup.retentionInDays,
      kmsKeyId: logGroup.kmsKeyId,
    });

    const redacted = toApi(logging.redactedFields) as { SingleHeader: { Name: string } }[];
    await waf.send(
      new PutLoggingConfigurationCommand({
        LoggingConfiguration: {
          ResourceArn: createdAcl.Summary!.ARN!,
          // The log group's ARN as CloudWatch Logs gives it, without the ":*" suffix WAF refuses.
          LogDestinationConfigs: [group!.arn!.replace(/:\*$/, "")],
          RedactedFields: redacted,
        },
      }),
    );
    const readLogging = await waf.send(
      new GetLoggingConfigurationCommand({ ResourceArn: createdAcl.Summary!.ARN! }),
    );
    expect(readLogging.LoggingConfiguration).toMatchObject({
      ResourceArn: createdAcl.Summary!.ARN!,
      LogDestinationConfigs: [group!.arn!.replace(/:\*$/, "")],
      RedactedFields: [
        { SingleHeader: { Name: "authorization" } },
        { SingleHeader: { Name: "cookie" } },
      ],
    });
  }, 120_000);
});
