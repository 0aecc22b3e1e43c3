import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { managedSecretPolicy } from "../../components/aws/managed-secret.js";
import {
  accessRoleName,
  roleArn,
  rotationRoleName,
  topicArn,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import { wildcardActions, type PolicyDocument } from "../../cloud/aws/policy-document.js";
import { alarmTopicPolicy } from "../../components/aws/rotation-alarms.js";
import {
  lambdaTrustPolicy,
  rotationFunctionPolicy,
} from "../../components/aws/rotation-function.js";
import { accessPolicy, accessTrustPolicy } from "../../components/aws/tenant-access-role.js";
import { tenantKeyPolicy } from "../../components/aws/tenant-key.js";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
const types = ["postgres", "mysql", "api-key", "webhook", "aws-iam-key", "generic"] as const;
const runtimes = ["ecs", "lambda", "kubernetes", "ec2"] as const;

/** How a consumer is reloaded, as the policies may give it (names are random, like the tenant's). */
const reloadArb = fc.oneof(
  fc.record({
    runtime: fc.constant("ecs" as const),
    ecs: fc.record({ cluster: name, service: name }),
  }),
  fc.record({
    runtime: fc.constant("lambda" as const),
    lambda: fc.record({ function: name, healthCheck: fc.boolean() }),
  }),
  fc.record({
    runtime: fc.constant("kubernetes" as const),
    kubernetes: fc.record({ namespace: name, deployment: name }),
  }),
  fc.record({
    runtime: fc.constant("ec2" as const),
    ec2: fc.record({
      instanceTags: fc.dictionary(name, name, { minKeys: 1, maxKeys: 2 }),
      document: fc.oneof(name, fc.constant("AWS-RunShellScript")),
    }),
  }),
);

const tenantArb = fc.record({
  services: fc.uniqueArray(
    fc.record({ name, runtime: fc.constantFrom(...runtimes), reload: fc.option(reloadArb) }),
    { selector: (s) => s.name, maxLength: 4 },
  ),
  secrets: fc.uniqueArray(
    fc.record({
      name,
      type: fc.constantFrom(...types),
      consumerIndexes: fc.array(fc.nat(3), { maxLength: 3 }),
      masterIndex: fc.option(fc.nat(4)),
    }),
    { selector: (s) => s.name, minLength: 1, maxLength: 5 },
  ),
  region: fc.constantFrom("us-east-1", "eu-west-1", "ap-south-1"),
});
const modelArb = fc
  .uniqueArray(fc.tuple(name, tenantArb), { selector: ([n]) => n, minLength: 2, maxLength: 4 })
  .map((tenants) =>
    tenants.map(([tenant, t], i) => ({ tenant, account: String(100000000000 + i * 7919), ...t })),
  );

type RandomTenant = ReturnType<typeof modelArb.generate>["value"][number];

/** Every policy document VaultPilot writes for one tenant, from the same pure builders the components use. */
function tenantPolicies(t: RandomTenant): PolicyDocument[] {
  const scope: TenantScope = { tenant: t.tenant, account: t.account, region: t.region };
  const keyArn = `arn:aws:kms:${t.region}:${t.account}:key/k-${t.tenant}`;
  const readers = t.services.map((s) => roleArn(scope, accessRoleName(t.tenant, s.name)));
  const secretTypes = [...new Set(t.secrets.map((s) => s.type))];
  const consumersOf = (idx: number[]) =>
    [...new Set(idx)].map((i) => t.services[i]).filter((s) => s !== undefined);
  return [
    tenantKeyPolicy({
      scope,
      readerRoleArns: readers,
      rotationRoleArns: secretTypes.map((type) => roleArn(scope, rotationRoleName(t.tenant, type))),
    }),
    alarmTopicPolicy(scope),
    lambdaTrustPolicy(scope),
    ...t.services.map((s) => accessTrustPolicy(scope, s.runtime)),
    ...t.services.map((s) =>
      accessPolicy({
        scope,
        secretNames: t.secrets
          .filter((x) => consumersOf(x.consumerIndexes).includes(s))
          .map((x) => x.name),
        kmsKeyArn: keyArn,
      }),
    ),
    ...t.secrets.map((s) =>
      managedSecretPolicy({
        scope,
        secretName: s.name,
        consumerRoleArns: consumersOf(s.consumerIndexes).map((c) =>
          roleArn(scope, accessRoleName(t.tenant, c.name)),
        ),
        rotationRoleArn: roleArn(scope, rotationRoleName(t.tenant, s.type)),
      }),
    ),
    ...secretTypes.map((type) =>
      rotationFunctionPolicy({
        scope,
        secretType: type,
        secrets: t.secrets
          .filter((s) => s.type === type)
          .map((s) => {
            const master = s.masterIndex === null ? undefined : t.secrets[s.masterIndex];
            return {
              name: s.name,
              alertTopicArn: topicArn(scope),
              reload: consumersOf(s.consumerIndexes).flatMap((c) =>
                c.reload ? [{ service: c.name, ...c.reload }] : [],
              ),
              ...(master && master !== s && { masterSecret: master.name }),
            };
          }),
        kmsKeyArn: keyArn,
      }),
    ),
  ];
}

describe("policy documents over random models", () => {
  it("never name another tenant's resources, roles or account", () => {
    fc.assert(
      fc.property(modelArb, (tenants) => {
        for (const a of tenants) {
          const text = JSON.stringify(tenantPolicies(a));
          for (const b of tenants.filter((x) => x !== a)) {
            for (const mark of [
              b.account,
              `vaultpilot/${b.tenant}/`,
              `vaultpilot.${b.tenant}.`,
              `vaultpilot_${b.tenant}_`,
            ]) {
              expect(text).not.toContain(mark);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never grant a wildcard action", () => {
    fc.assert(
      fc.property(modelArb, (tenants) => {
        for (const t of tenants) {
          for (const document of tenantPolicies(t)) expect(wildcardActions(document)).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("wildcardActions", () => {
  it("reports actions with * or ?", () => {
    const document: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "A",
          Effect: "Allow",
          Action: ["kms:*", "s3:Get?bject", "sqs:SendMessage"],
          Resource: "x",
        },
      ],
    };
    expect(wildcardActions(document)).toEqual(["kms:*", "s3:Get?bject"]);
  });
});
