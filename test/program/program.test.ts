import { describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { DuplicateResourceError, runUnderMocks } from "../../actions/plan/run-program.js";
import { wildcardActions, type PolicyDocument } from "../../cloud/aws/policy-document.js";
import { rotationRules } from "../../cloud/aws/rotation-rules.js";
import type { HandlerConfig } from "../../components/rotation/config.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";

const model = validatePolicies("policies").model!;
const settings = readStackSettings("test", (key) =>
  key === "vaultpilot:keyDeletionWindowDays" ? { value: 7, secret: false } : undefined,
);
const run = await runProgram(model, settings);
const byName = (type: string, name: string): SubjectResource => {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const policiesOf = (resources: readonly SubjectResource[]) =>
  resources.flatMap((r) =>
    ["policy", "assumeRolePolicy"]
      .filter((k) => typeof r.inputs[k] === "string")
      .map((k) => ({ resource: r, document: JSON.parse(r.inputs[k] as string) as PolicyDocument })),
  );

describe("the Pulumi program on the example policies", () => {
  it("creates a KMS key per tenant with rotation, the stack's deletion window and an alias", () => {
    for (const tenant of model.tenants) {
      const key = byName("aws:kms/key:Key", `${tenant.name}-key`);
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 7 });
      expect(byName("aws:kms/alias:Alias", `${tenant.name}-alias`).inputs).toMatchObject({
        name: `alias/vaultpilot/${tenant.name}`,
        targetKeyId: `${tenant.name}-key`,
      });
    }
  });

  it("creates each secret under vaultpilot/<tenant>/<secret>, with the tenant's key and tags, and no value", () => {
    const secret = byName("aws:secretsmanager/secret:Secret", "acme/orders-db-secret");
    expect(secret.inputs).toMatchObject({
      name: "vaultpilot/acme/orders-db",
      kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/acme-key",
      tags: {
        "vaultpilot:tenant": "acme",
        "vaultpilot:type": "postgres",
        "vaultpilot:schedule": "monthly",
      },
    });
    expect(run.resources.some((r) => r.type.startsWith("aws:secretsmanager/secretVersion"))).toBe(
      false,
    );
    const secrets = run.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
    expect(secrets).toHaveLength(model.tenants.flatMap((t) => t.secrets).length);
  });

  it("gives every secret a rotation on its schedule, through its type's function, after the invoke permission", () => {
    const rotation = byName(
      "aws:secretsmanager/secretRotation:SecretRotation",
      "acme/orders-db-rotation",
    );
    expect(rotation.parent).toBe(
      "urn:pulumi:test::vaultpilot::vaultpilot:aws:RotationFunction::acme/postgres",
    );
    expect(rotation.inputs).toMatchObject({
      rotationLambdaArn:
        "arn:aws:lambda:us-east-1:111111111111:function/vaultpilot_acme_postgres_rotation",
      // The example's monthly schedule (30d, window 01:00 for 3h), as cloud/aws/rotation-rules.ts
      // turns it into rules (their run times are tested there).
      rotationRules: rotationRules({ everyDays: 30, window: { start: "01:00", durationHours: 3 } }),
    });
    expect(
      byName("aws:secretsmanager/secretRotation:SecretRotation", "acme/payments-db-rotation")
        .inputs,
    ).toMatchObject({ rotationRules: { automaticallyAfterDays: 90 } });
    expect(byName("aws:lambda/permission:Permission", "acme/postgres-invoke").inputs).toMatchObject(
      {
        principal: "secretsmanager.amazonaws.com",
        sourceAccount: "111111111111",
        action: "lambda:InvokeFunction",
      },
    );
  });

  it("deploys the rotation bundle at dist/rotation with handler index.handler, a DLQ and an encrypted log group", () => {
    const fn = byName("aws:lambda/function:Function", "acme/postgres-function");
    expect(fn.inputs).toMatchObject({
      handler: "index.handler",
      runtime: "nodejs22.x",
      timeout: 900,
      code: {
        assets: {
          ".": { archive: "dist/rotation" },
          "rotation-config.json": { text: expect.any(String) },
        },
      },
      deadLetterConfig: {
        targetArn: "arn:aws:sqs:us-east-1:111111111111:queue/vaultpilot_acme_postgres_rotation-dlq",
      },
    });
    expect(byName("aws:cloudwatch/logGroup:LogGroup", "acme/postgres-logs").inputs).toMatchObject({
      kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/acme-key",
      retentionInDays: 365,
    });
  });

  it("ships each function the configuration of exactly its secrets, keyed by their Secrets Manager names, alerting the tenant's topic", () => {
    const fn = byName("aws:lambda/function:Function", "acme/postgres-function");
    const code = fn.inputs.code as { assets: Record<string, { text?: string }> };
    const config = JSON.parse(code.assets["rotation-config.json"]!.text!) as HandlerConfig;
    const postgres = model.tenants[0]!.secrets.filter((s) => s.type === "postgres");
    expect(Object.keys(config.secrets).sort()).toEqual(
      postgres.map((s) => `vaultpilot/acme/${s.name}`).sort(),
    );
    expect(config.secrets["vaultpilot/acme/orders-db"]).toMatchObject({
      tenant: "acme",
      name: "orders-db",
      type: "postgres",
      alertTopicArn: "arn:aws:sns:us-east-1:111111111111:vaultpilot_acme_rotation-alarms",
      reload: [
        {
          service: "orders-api",
          runtime: "ecs",
          ecs: { cluster: "acme-prod", service: "orders-api" },
        },
        { service: "billing-worker", runtime: "lambda" },
      ],
    });
    // The environment stays small and fixed: per-secret configuration lives in the package.
    expect(Object.keys((fn.inputs.environment as { variables: object }).variables).sort()).toEqual([
      "VAULTPILOT_SECRET_TYPE",
      "VAULTPILOT_TENANT",
    ]);
    expect(byName("aws:sns/topic:Topic", "acme-alarm-topic").inputs.name).toBe(
      "vaultpilot_acme_rotation-alarms",
    );
  });

  it("lets each rotation role call exactly what its runtime calls: alerts, reloads, master secrets, IAM keys, the key through SNS", () => {
    const policy = (type: string) =>
      Object.fromEntries(
        (
          JSON.parse(
            byName("aws:iam/rolePolicy:RolePolicy", `acme/${type}-rotation-policy`).inputs
              .policy as string,
          ) as PolicyDocument
        ).Statement.map((s) => [s.Sid, s]),
      );
    const postgres = policy("postgres");
    expect(postgres.PublishAlerts).toMatchObject({
      Action: ["sns:Publish"],
      Resource: ["arn:aws:sns:us-east-1:111111111111:vaultpilot_acme_rotation-alarms"],
    });
    expect(postgres.UseTenantKeyThroughSns!.Condition).toEqual({
      StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com" },
    });
    expect(postgres.UseTenantKeyThroughSecretsManager).toMatchObject({
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
    expect(postgres.ReloadEcsServices).toMatchObject({
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: ["arn:aws:ecs:us-east-1:111111111111:service/acme-prod/orders-api"],
    });
    expect(postgres.ReloadLambdaFunctions!.Resource).toEqual([
      "arn:aws:lambda:us-east-1:111111111111:function:acme-billing-worker",
    ]);
    expect(postgres.HealthCheckLambdaFunctions).toMatchObject({
      Action: ["lambda:InvokeFunction"],
      Resource: ["arn:aws:lambda:us-east-1:111111111111:function:acme-billing-worker"],
    });
    expect(postgres.GeneratePasswords).toMatchObject({ Resource: "*" });

    const iamKey = policy("aws-iam-key");
    expect(iamKey.RotateTenantAccessKeys!.Resource).toEqual([
      "arn:aws:iam::111111111111:user/vaultpilot/acme/vaultpilot.acme.deploy-iam-key",
    ]);
    expect(iamKey.GeneratePasswords).toBeUndefined();
    expect(iamKey.ReloadEc2RunDocuments!.Resource).toEqual([
      "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
    ]);
    expect(iamKey.ReloadEc2TaggedInstances1).toMatchObject({
      Action: ["ssm:SendCommand"],
      Resource: "arn:aws:ec2:us-east-1:111111111111:instance/*",
      Condition: {
        StringEquals: { "ssm:resourceTag/role": "ci-runner", "ssm:resourceTag/tenant": "acme" },
      },
    });
    expect(iamKey.WatchReloadCommands).toMatchObject({
      Action: ["ssm:ListCommands"],
      Resource: "*",
    });
    const key = JSON.parse(
      byName("aws:kms/key:Key", "acme-key").inputs.policy as string,
    ) as PolicyDocument;
    expect(key.Statement.find((s) => s.Sid === "RotationFunctionsPublishThroughSns")).toMatchObject(
      {
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Condition: { StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com" } },
      },
    );
  });

  it("lets a rotation role reach exactly its Kubernetes consumers' EKS clusters, with access scoped to their namespaces", () => {
    for (const type of ["api-key", "mysql"]) {
      const policy = JSON.parse(
        byName("aws:iam/rolePolicy:RolePolicy", `acme/${type}-rotation-policy`).inputs
          .policy as string,
      ) as PolicyDocument;
      expect(policy.Statement.find((s) => s.Sid === "ReachEksClusters")).toEqual({
        Sid: "ReachEksClusters",
        Effect: "Allow",
        Action: ["eks:DescribeCluster"],
        Resource: ["arn:aws:eks:us-east-1:111111111111:cluster/acme-prod"],
      });
      const role = byName("aws:iam/role:Role", `acme/${type}-rotation-role`);
      expect(
        byName("aws:eks/accessEntry:AccessEntry", `acme/${type}-eks-acme-prod`).inputs,
      ).toMatchObject({
        clusterName: "acme-prod",
        type: "STANDARD",
        principalArn: expect.stringContaining(role.inputs.name as string),
      });
      expect(
        byName(
          "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
          `acme/${type}-eks-acme-prod-edit`,
        ).inputs,
      ).toMatchObject({
        clusterName: "acme-prod",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
        accessScope: { type: "namespace", namespaces: ["payments"] },
      });
    }
    // The cluster reaches the Lambda through the model and its package's configuration.
    const code = byName("aws:lambda/function:Function", "acme/api-key-function").inputs.code as {
      assets: Record<string, { text?: string }>;
    };
    const config = JSON.parse(code.assets["rotation-config.json"]!.text!) as HandlerConfig;
    expect(config.secrets["vaultpilot/acme/stripe-api-key"]!.reload).toEqual([
      {
        service: "payments-api",
        runtime: "kubernetes",
        kubernetes: { cluster: "acme-prod", namespace: "payments", deployment: "payments-api" },
      },
    ]);
    // A function without Kubernetes consumers gets neither the action nor an access entry.
    const postgres = JSON.parse(
      byName("aws:iam/rolePolicy:RolePolicy", "acme/postgres-rotation-policy").inputs
        .policy as string,
    ) as PolicyDocument;
    expect(postgres.Statement.flatMap((s) => s.Action)).not.toContain("eks:DescribeCluster");
    const entries = run.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry");
    expect(entries.map((r) => r.name).sort()).toEqual([
      "acme/api-key-eks-acme-prod",
      "acme/mysql-eks-acme-prod",
      "globex/generic-eks-globex-prod",
      "umbrella/aws-iam-key-eks-umbrella-records",
      "umbrella/postgres-eks-umbrella-records",
    ]);
  });

  it("gives each service a role that reads exactly the secrets it consumes", () => {
    const policy = JSON.parse(
      byName("aws:iam/rolePolicy:RolePolicy", "acme/payments-api-access-policy").inputs
        .policy as string,
    ) as PolicyDocument;
    expect(policy.Statement.find((s) => s.Sid === "ReadConsumedSecrets")!.Resource).toEqual([
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/payments-db-??????",
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/stripe-api-key-??????",
    ]);
  });

  it("lets a consuming service make data keys for the secret client's cache, with the client's encryption context of its tenant only", () => {
    const onlyClientContext = {
      StringEquals: {
        "kms:EncryptionContext:vaultpilot:client": "secret-cache",
        "kms:EncryptionContext:vaultpilot:tenant": "acme",
      },
      "ForAllValues:StringEquals": {
        "kms:EncryptionContextKeys": ["vaultpilot:client", "vaultpilot:tenant"],
      },
    };
    const role = JSON.parse(
      byName("aws:iam/rolePolicy:RolePolicy", "acme/payments-api-access-policy").inputs
        .policy as string,
    ) as PolicyDocument;
    const key = JSON.parse(
      byName("aws:kms/key:Key", "acme-key").inputs.policy as string,
    ) as PolicyDocument;

    expect(role.Statement.find((s) => s.Sid === "CacheDataKeysOfClient")).toEqual({
      Sid: "CacheDataKeysOfClient",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey"],
      Resource: "arn:aws:kms:us-east-1:111111111111:key/acme-key",
      Condition: onlyClientContext,
    });
    const keyStatement = key.Statement.find(
      (s) => s.Sid === "TenantWorkloadsGenerateClientCacheKeys",
    )!;
    expect(keyStatement.Action).toEqual(["kms:GenerateDataKey"]);
    expect(keyStatement.Condition).toMatchObject({
      StringEquals: { ...onlyClientContext.StringEquals, "kms:CallerAccount": "111111111111" },
      "ForAllValues:StringEquals": onlyClientContext["ForAllValues:StringEquals"],
    });
    expect(
      (keyStatement.Condition as { ArnEquals: Record<string, string[]> }).ArnEquals[
        "aws:PrincipalArn"
      ],
    ).toContain("arn:aws:iam::111111111111:role/vaultpilot.acme.access.payments-api");
  });

  it("alarms per tenant: an encrypted topic, a rule on failed rotations, an alarm per function", () => {
    expect(byName("aws:sns/topic:Topic", "acme-alarm-topic").inputs.kmsMasterKeyId).toBe(
      "arn:aws:kms:us-east-1:111111111111:key/acme-key",
    );
    const pattern = JSON.parse(
      byName("aws:cloudwatch/eventRule:EventRule", "acme-rotation-failures").inputs
        .eventPattern as string,
    ) as { detail: { eventName: string[] } };
    expect(pattern.detail.eventName).toEqual(["RotationFailed", "RotationAbandoned"]);
    expect(
      byName("aws:cloudwatch/metricAlarm:MetricAlarm", "acme/postgres-rotation-errors").inputs,
    ).toMatchObject({
      metricName: "Errors",
      dimensions: { FunctionName: "vaultpilot_acme_postgres_rotation" },
    });
  });

  it("puts each tenant's resources in its account and region through its own provider", () => {
    expect(byName("pulumi:providers:aws", "globex").inputs).toMatchObject({ region: "eu-west-1" });
    expect(JSON.stringify(byName("pulumi:providers:aws", "globex").inputs)).toContain(
      "222222222222",
    );
  });

  const KEY_TYPES = ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"];
  it("has no wildcard action in any policy, and allows Resource * only in key policies, for GetRandomPassword and ssm:ListCommands", () => {
    const documents = policiesOf(run.resources);
    expect(documents.length).toBeGreaterThan(20);
    for (const { resource, document } of documents) {
      expect(wildcardActions(document), resource.urn).toEqual([]);
      for (const s of document.Statement) {
        // A Deny on every resource (the guardrails) narrows nothing it should not.
        if (s.Effect === "Allow" && s.Resource === "*" && !KEY_TYPES.includes(resource.type)) {
          // The two actions that the service authorization reference gives no resource type.
          expect(
            [["secretsmanager:GetRandomPassword"], ["ssm:ListCommands"]],
            resource.urn,
          ).toContainEqual(s.Action);
        }
      }
    }
  });

  it("names only the tenant's own account in every policy", () => {
    for (const tenant of model.tenants) {
      const others = model.tenants.filter((t) => t.aws.account !== tenant.aws.account);
      for (const { resource, document } of policiesOf(
        run.resources.filter((r) => r.subject?.tenant === tenant.name),
      )) {
        const text = JSON.stringify(document);
        for (const other of others) {
          expect(text, resource.urn).not.toContain(other.aws.account);
          expect(text, resource.urn).not.toContain(`vaultpilot/${other.name}/`);
        }
      }
    }
  });

  it("gives the same URNs on a second run", async () => {
    const again = await runProgram(model, settings);
    expect(again.resources.map((r) => r.urn)).toEqual(run.resources.map((r) => r.urn));
    expect(new Set(run.resources.map((r) => r.urn)).size).toBe(run.resources.length);
  });
});

describe("the drift reader role in the program", () => {
  it("is created for every tenant when the stack names the drift CI role, and so is in the plan", async () => {
    const ciRoleArn = "arn:aws:iam::999999999999:role/vaultpilot-ci-drift";
    const withDrift = readStackSettings("drift", (key) =>
      key === "vaultpilot:driftCiRoleArn" ? { value: ciRoleArn, secret: false } : undefined,
    );

    const driftRun = await runProgram(model, withDrift);

    const readers = driftRun.resources.filter((r) => r.type === "vaultpilot:aws:DriftReaderRole");
    expect(readers.map((r) => r.name).sort()).toEqual(
      model.tenants.map((t) => `${t.name}-drift-reader`).sort(),
    );
    const roles = driftRun.resources.filter(
      (r) => r.type === "aws:iam/role:Role" && readers.some((reader) => r.parent === reader.urn),
    );
    expect(roles).toHaveLength(model.tenants.length);
    for (const role of roles) expect(String(role.inputs.assumeRolePolicy)).toContain(ciRoleArn);
  });

  it("is absent when the stack does not name one", () => {
    expect(run.resources.some((r) => r.type === "vaultpilot:aws:DriftReaderRole")).toBe(false);
  });
});

describe("runUnderMocks", () => {
  it("rejects two resources with the same type and name, which Pulumi's mocks accept", async () => {
    const { TenantKey } = await import("../../components/aws/tenant-key.js");
    const scope = { tenant: "acme", account: "111111111111", region: "us-east-1" };
    await expect(
      runUnderMocks("dup", (opts) => {
        new TenantKey("acme", { scope, readerRoleArns: [], rotationRoleArns: [] }, opts);
        new TenantKey("acme", { scope, readerRoleArns: [], rotationRoleArns: [] }, opts);
      }),
    ).rejects.toThrow(DuplicateResourceError);
  });

  it("never records a secret from stack configuration in clear, in inputs or in mock state", async () => {
    const canary = "https://hooks.example.com/T0-CANARY-5f3a9c";
    const withWebhook = readStackSettings("canary", (key) =>
      key === "vaultpilot:alarmWebhookUrl" ? { value: canary, secret: false } : undefined,
    );
    const pulumi = await import("@pulumi/pulumi");
    const canaryRun = await runProgram(model, withWebhook);
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      getRegisteredResources(): Map<string, unknown>;
    };
    const state = JSON.stringify([...monitor.getRegisteredResources().values()]);
    const subscription = canaryRun.resources.find(
      (r) => r.type === "aws:sns/topicSubscription:TopicSubscription",
    );
    expect(subscription?.inputs.endpoint).toBe("[secret]");
    expect(JSON.stringify(canaryRun.resources)).not.toContain("CANARY");
    expect(state).toContain("[secret]");
    expect(state).not.toContain("CANARY");
  });
});
