import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { diffResources } from "../../actions/plan/diff.js";
import { formatMarkdown } from "../../actions/plan/formats/markdown.js";
import { formatText } from "../../actions/plan/formats/text.js";
import { computeImpact } from "../../actions/plan/impact.js";
import { webAclChanges } from "../../actions/plan/protection-impact.js";
import { runProgram } from "../../actions/plan/program-run.js";
import type { ProgramRun, SubjectResource } from "../../actions/plan/resources.js";
import { methodPath } from "../../components/aws/endpoint-protection.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";
import { buildModel } from "../../program/build-model.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { doc, validateText, yamlFile } from "../support/validate-text.js";

const root = join(import.meta.dirname, "..", "..");
const model = validatePolicies("policies").model!;
const settings = readStackSettings("test", () => undefined);
const run = await runProgram(model, settings, { only: new Set(["globex"]) });
const byName = (type: string, name: string, from: ProgramRun = run): SubjectResource => {
  const found = from.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const entry = "globex/storefront";

describe("the protection concern on the example's globex/storefront entry point", () => {
  it("creates a regional web ACL: allow lists first, then countries, rate limit and the four managed groups", () => {
    const acl = byName("aws:wafv2/webAcl:WebAcl", `${entry}-web-acl`).inputs;
    expect(acl).toMatchObject({
      name: "vaultpilot_globex_storefront",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
    });
    const rules = acl.rules as { name: string; priority: number; statement: object }[];
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, "allow-ipv4"],
      [1, "allow-ipv6"],
      [2, "countries-block"],
      [3, "rate-limit"],
      [4, "AWSManagedRulesCommonRuleSet"],
      [5, "AWSManagedRulesKnownBadInputsRuleSet"],
      [6, "AWSManagedRulesSQLiRuleSet"],
      [7, "AWSManagedRulesLinuxRuleSet"],
    ]);
    expect(rules[0]!.statement).toEqual({
      ipSetReferenceStatement: {
        arn: "arn:aws:wafv2:eu-west-1:222222222222:ip-set/vaultpilot_globex_storefront_allow-ipv4",
      },
    });
    expect(rules[2]!.statement).toEqual({ geoMatchStatement: { countryCodes: ["KP"] } });
    expect(rules[3]!.statement).toEqual({
      rateBasedStatement: { limit: 2000, evaluationWindowSec: 300, aggregateKeyType: "IP" },
    });
    expect(byName("aws:wafv2/ipSet:IpSet", `${entry}-allow-ipv6`).inputs).toMatchObject({
      ipAddressVersion: "IPV6",
      addresses: ["2001:db8:1234::/48"],
      scope: "REGIONAL",
    });
  });

  it("associates it with the stage the policy names, and logs to an encrypted aws-waf-logs- group with credentials redacted", () => {
    expect(
      byName("aws:wafv2/webAclAssociation:WebAclAssociation", `${entry}-association`).inputs,
    ).toEqual({
      resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod",
      webAclArn: "arn:aws:wafv2:eu-west-1:222222222222:web-acl/vaultpilot_globex_storefront",
    });
    const group = byName("aws:cloudwatch/logGroup:LogGroup", `${entry}-waf-logs`);
    expect(group.inputs).toMatchObject({
      name: "aws-waf-logs-vaultpilot_globex_storefront",
      kmsKeyId: "arn:aws:kms:eu-west-1:222222222222:key/globex-key",
      retentionInDays: 365,
    });
    expect(group.purpose).toEqual({
      kind: "log-retention",
      logGroup: "aws-waf-logs-vaultpilot_globex_storefront",
    });
    expect(
      byName(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        `${entry}-waf-logging`,
      ).inputs.redactedFields,
    ).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
  });

  it("lets CloudWatch Logs use the tenant's key for the tenant's own log groups only", () => {
    const policy = JSON.parse(
      byName("aws:kms/key:Key", "globex-key").inputs.policy as string,
    ) as PolicyDocument;
    const logs = policy.Statement.find((s) => s.Sid === "CloudWatchLogsEncryptTenantLogs")!;
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": [
          "arn:aws:logs:eu-west-1:222222222222:log-group:/vaultpilot/globex/*",
          "arn:aws:logs:eu-west-1:222222222222:log-group:aws-waf-logs-vaultpilot_globex_*",
        ],
      },
    });
  });

  it("alarms on blocked requests, and on each rotation function's errors, throttles and p99 duration near its timeout, to the tenant's topic", () => {
    const topic = "arn:aws:sns:eu-west-1:222222222222:vaultpilot_globex_rotation-alarms";
    expect(
      byName("aws:cloudwatch/metricAlarm:MetricAlarm", `${entry}-waf-blocked`).inputs,
    ).toMatchObject({
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: { WebACL: "vaultpilot_globex_storefront", Region: "eu-west-1", Rule: "ALL" },
      threshold: 100,
      alarmActions: [topic],
    });
    for (const type of ["api-key", "generic", "postgres"]) {
      const alarm = (metric: string) =>
        byName("aws:cloudwatch/metricAlarm:MetricAlarm", `globex/${type}-rotation-${metric}`)
          .inputs;
      expect(alarm("throttles")).toMatchObject({ metricName: "Throttles", threshold: 0 });
      // 80% of the 900 s timeout, in milliseconds.
      expect(alarm("duration")).toMatchObject({
        metricName: "Duration",
        extendedStatistic: "p99",
        threshold: 720_000,
      });
    }
  });

  it("throttles the REST API stage, and each route override by its method path", () => {
    expect(
      byName("aws:apigateway/methodSettings:MethodSettings", `${entry}-throttling`).inputs,
    ).toEqual({
      restApi: "a1b2c3d4e5",
      stageName: "prod",
      methodPath: "*/*",
      settings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
    });
    expect(
      byName("aws:apigateway/methodSettings:MethodSettings", `${entry}-throttling POST /checkout`)
        .inputs,
    ).toMatchObject({ methodPath: "~1checkout/POST", settings: { throttlingRateLimit: 10 } });
    expect(methodPath("ANY /orders/{id}")).toBe("~1orders~1{id}/*");
  });

  it("makes every log group an EncryptedLogGroup under the tenant's key", () => {
    const groups = run.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    expect(groups.length).toBe(4);
    for (const group of groups) {
      expect(group.parent).toMatch(/vaultpilot:aws:EncryptedLogGroup::/);
      expect(group.inputs.kmsKeyId).toBe("arn:aws:kms:eu-west-1:222222222222:key/globex-key");
    }
  });

  it("keeps each rotation log group's URN from before EncryptedLogGroup as an alias", () => {
    const group = byName("aws:cloudwatch/logGroup:LogGroup", "globex/postgres-logs");
    expect(group.urn).toBe(
      "urn:pulumi:test::vaultpilot::vaultpilot:aws:RotationFunction$vaultpilot:aws:EncryptedLogGroup$aws:cloudwatch/logGroup:LogGroup::globex/postgres-logs",
    );
    expect(group.aliases).toEqual([
      "urn:pulumi:test::vaultpilot::vaultpilot:aws:RotationFunction$aws:cloudwatch/logGroup:LogGroup::globex/postgres-logs",
    ]);
    // The plan sees a resource found under its alias as the same resource, not a replacement.
    const before = { ...group, urn: group.aliases![0]!, aliases: undefined };
    const changes = diffResources([before], [group]);
    expect([changes.create.length, changes.delete.length, changes.update.length]).toEqual([
      0, 0, 0,
    ]);
  });

  it("gives the recorded inputs types the real @pulumi/aws Args accept (tsc, strict)", () => {
    const types: Record<string, [string, string]> = {
      "aws:wafv2/webAcl:WebAcl": ["WebAclArgs", "wafv2/webAcl.js"],
      "aws:wafv2/ipSet:IpSet": ["IpSetArgs", "wafv2/ipSet.js"],
      "aws:wafv2/webAclAssociation:WebAclAssociation": [
        "WebAclAssociationArgs",
        "wafv2/webAclAssociation.js",
      ],
      "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": [
        "WebAclLoggingConfigurationArgs",
        "wafv2/webAclLoggingConfiguration.js",
      ],
      "aws:cloudwatch/logGroup:LogGroup": ["LogGroupArgs", "cloudwatch/logGroup.js"],
      "aws:cloudwatch/metricAlarm:MetricAlarm": ["MetricAlarmArgs", "cloudwatch/metricAlarm.js"],
      "aws:apigateway/methodSettings:MethodSettings": [
        "MethodSettingsArgs",
        "apigateway/methodSettings.js",
      ],
    };
    const checked = run.resources.filter(
      (r) => types[r.type] && (r.urn.includes("EndpointProtection") || r.name.endsWith("-logs")),
    );
    expect(checked.length).toBeGreaterThanOrEqual(12);
    const imports = Object.values(types).map(
      ([name, file]) => `import type { ${name} } from "@pulumi/aws/${file}";`,
    );
    const declarations = checked.map(
      (r, i) => `export const r${i}: ${types[r.type]![0]} = ${JSON.stringify(r.inputs)};`,
    );
    // A wrong input must be caught, or this check proves nothing.
    const wrong = `export const wrong: WebAclArgs = { scope: "REGIONAL", defaultAction: { allow: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "m", sampledRequestsEnabled: true }, rules: [{ name: "x", priority: 0, statement: { geoMatch: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "m", sampledRequestsEnabled: true } }] };`;
    const dir = mkdtempSync(join(root, "test", ".tsc-protection-"));
    try {
      const file = join(dir, "inputs.ts");
      writeFileSync(file, [...imports, ...declarations, wrong].join("\n"));
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
        return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
      });
      const wrongLine = imports.length + declarations.length + 1;
      expect(problems.filter((p) => !p.startsWith(`${wrongLine}:`))).toEqual([]);
      expect(problems.some((p) => p.startsWith(`${wrongLine}:`) && p.includes("geoMatch"))).toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // tsc reads @pulumi/aws's type declarations: tens of seconds on a loaded machine.
  }, 180_000);
});

describe("the plan's impact of protection changes", () => {
  /** The program's run on one tenant "acme" whose spec ends with `extra`. */
  const planOf = async (extra: string): Promise<ProgramRun> => {
    const result = validateText({ "acme.yaml": yamlFile(doc.tenant("acme", "pro") + extra) });
    expect(result.diagnostics).toEqual([]);
    return runProgram(buildModel(result.policies), settings);
  };
  const entryPoint = (waf: string, throttling = "rate: 100\n        burst: 200") => `  entryPoints:
    - name: api
      kind: rest-api
      arn: arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod
      waf:
        ${waf}
      throttling:
        ${throttling}
`;
  const impactOf = async (base: string, head: string) => {
    const [b, h] = [await planOf(base), await planOf(head)];
    return computeImpact(diffResources(b.resources, h.resources), b, h);
  };

  it("says which changes affect live traffic: a rule group added, a rate limit lowered, an allow list narrowed, countries blocked, throttling lowered", async () => {
    const impact = await impactOf(
      entryPoint(
        "managedRuleGroups: [AWSManagedRulesCommonRuleSet]\n        rateLimit: { limit: 2000 }\n        allow: { ipv4: [203.0.113.0/24, 198.51.100.0/24] }",
      ),
      entryPoint(
        "managedRuleGroups: [AWSManagedRulesCommonRuleSet, AWSManagedRulesSQLiRuleSet]\n        rateLimit: { limit: 500 }\n        countries: { block: [KP] }\n        allow: { ipv4: [203.0.113.0/24] }",
        "rate: 50\n        burst: 200",
      ),
    );
    expect(impact.traffic).toEqual([
      {
        tenant: "acme",
        entryPoint: "api",
        reasons: [
          "throttling lowered on every method: rate 100/s => 50/s, burst 200 => 200",
          "allow list narrowed: 198.51.100.0/24 no longer skips the web ACL",
          "managed rule group added: AWSManagedRulesSQLiRuleSet (may block requests that pass today)",
          "rate limit lowered: 2000 per 300 s => 500 per 300 s per client IP",
          "countries blocked: KP",
        ],
      },
    ]);
  });

  it("protects a load balancer without logging when the policy turns it off: no log group, no throttling", async () => {
    const alb =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/0123456789abcdef";
    const plan = await planOf(`  entryPoints:
    - name: shop
      kind: alb
      arn: ${alb}
      waf: { logging: false, managedRuleGroups: [] }
`);
    const types = plan.resources
      .filter((r) => r.urn.includes("EndpointProtection$"))
      .map((r) => r.type)
      .sort();
    expect(types).toEqual([
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:wafv2/webAcl:WebAcl",
      "aws:wafv2/webAclAssociation:WebAclAssociation",
    ]);
    expect(byName("aws:wafv2/webAcl:WebAcl", "acme/shop-web-acl", plan).inputs.rules).toEqual([]);
    expect(
      byName("aws:wafv2/webAclAssociation:WebAclAssociation", "acme/shop-association", plan).inputs
        .resourceArn,
    ).toBe(alb);
  });

  it("names countries no longer allowed, a removed web ACL and a removed log group", () => {
    const geo = (codes: string[]) => [
      {
        statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: codes } } } },
      },
    ];
    expect(webAclChanges(geo(["US", "CA"]), geo(["US"]))).toEqual([
      "countries no longer allowed: CA",
    ]);
    expect(webAclChanges([], geo(["US"]))).toEqual(["only requests from US allowed"]);
    expect(webAclChanges(geo(["US"]), geo(["US", "CA"]))).toEqual([]);
  });

  it("prints live traffic and retention in text and markdown", async () => {
    const [b, h] = [
      await planOf(entryPoint("rateLimit: { limit: 500 }") + "  logRetention: 731\n"),
      await planOf("  logRetention: 90\n"),
    ];
    const changes = diffResources(b.resources, h.resources);
    const result = {
      stack: "test",
      base: "main",
      scope: { mode: "full" as const, planned: 1, unchanged: [] },
      guardrails: "iam-fallback" as const,
      head: h,
      changes,
      impact: computeImpact(changes, b, h),
    };
    const text = formatText(result, { color: false });
    expect(text).toContain(
      "  live traffic acme/api: its web ACL is removed: requests are no longer filtered",
    );
    expect(text).toContain(
      "  retention acme: log group aws-waf-logs-vaultpilot_acme_api is removed (was 731 days): its events are deleted",
    );
    const markdown = formatMarkdown(result);
    expect(markdown).toContain("#### Live traffic and evidence");
    expect(markdown).toContain(
      "| acme | api | its web ACL is removed: requests are no longer filtered |",
    );
  });

  it("stays quiet when traffic only gets more room, and names a shortened log retention", async () => {
    const impact = await impactOf(
      entryPoint("rateLimit: { limit: 500 }") + "  logRetention: 731\n",
      entryPoint("rateLimit: { limit: 2000 }") + "  logRetention: 90\n",
    );
    expect(impact.traffic).toEqual([]);
    expect(impact.retention).toEqual([
      { tenant: "acme", logGroup: "aws-waf-logs-vaultpilot_acme_api", before: 731, after: 90 },
    ]);
  });
});
