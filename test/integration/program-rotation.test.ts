import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, DescribeClusterCommand } from "@aws-sdk/client-eks";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import {
  alarmTopicName,
  iamKeyUserName,
  iamKeyUserPath,
  rotationFunctionName,
  secretName,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import { CONFIG_FILE, loadHandlerConfig } from "../../components/rotation/config.js";
import { STEPS } from "../../components/rotation/engine.js";
import type { EksOptions } from "../../components/rotation/reload/eks-options.js";
import {
  RESTART_ANNOTATION,
  restartAnnotation,
} from "../../components/rotation/reload/kubernetes.js";
import { handleRotationEvent } from "../../components/rotation/handler.js";
import type { AuditEvent } from "../../components/rotation/ports.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { startKubernetesApi, type KubernetesApi } from "../support/kubernetes-api.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { CANARY } from "../rotation/harness.js";

/**
 * What `pulumi up` deploys can rotate: the program runs under mocks on the example policies; its
 * recorded RotationFunction inputs (the package's rotation-config.json, the role policy) drive the
 * rotation engine against moto, in the tenant's own account, on secrets made under the program's
 * names and tags. Every AWS action the engine calls must be one the recorded role policy lists.
 */

const TENANT = "acme";
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const EMPTY_ZIP = new Uint8Array([80, 75, 5, 6, ...new Array<number>(18).fill(0)]);
/** Needs no permission (AWS: "No permissions are required"), and the engine calls it with the new key, not the role. */
const NEEDS_NO_PERMISSION = new Set(["sts:GetCallerIdentity"]);

const model = validatePolicies("policies").model!;
const settings = readStackSettings("test", () => undefined);
const run = await runProgram(model, settings);

function recorded(type: string, name: string): SubjectResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`the program recorded no ${type} ${name}`);
  return found;
}

/** The RotationFunction's package as the program recorded it: the bundle directory and the config text. */
function packageOf(secretType: string): { bundle: unknown; configText: string } {
  const fn = recorded("aws:lambda/function:Function", `${TENANT}/${secretType}-function`);
  const code = fn.inputs.code as { assets: Record<string, { archive?: string; text?: string }> };
  return { bundle: code.assets["."], configText: code.assets[CONFIG_FILE]!.text! };
}

function rolePolicyOf(secretType: string): PolicyDocument {
  const policy = recorded(
    "aws:iam/rolePolicy:RolePolicy",
    `${TENANT}/${secretType}-rotation-policy`,
  );
  return JSON.parse(policy.inputs.policy as string) as PolicyDocument;
}

const allowedActions = (document: PolicyDocument) =>
  new Set(
    document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );

let moto: MotoServer;
let kube: KubernetesApi;
let admin: AwsClients;
let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
const packageDir = mkdtempSync(join(tmpdir(), "vaultpilot-package-"));

beforeAll(async () => {
  moto = await startMoto();
  kube = await startKubernetesApi();
});

afterAll(async () => {
  admin?.destroy();
  rmSync(packageDir, { recursive: true, force: true });
  await moto?.stop();
  await kube?.close();
});

let audit: AuditEvent[];
let roleArn: string;

beforeEach(async () => {
  await moto.reset();
  await moto.configure({ lambda: { use_docker: false } });
  // moto acts in the account of an assumed role (the tenant's, so the program's ARNs are real here);
  // a reset forgets the session, so assume it again each time.
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region: REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
      RoleSessionName: "test",
    }),
  );
  sts.destroy();
  credentials = {
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  };
  admin?.destroy();
  admin = new AwsClients({ endpoint: moto.endpoint, region: REGION, credentials });
  audit = [];
  // What else the program deploys and rotation relies on: the function (a no-op in moto) and the alarm topic.
  const role = await admin
    .iam()
    .send(new CreateRoleCommand({ RoleName: "rotation", AssumeRolePolicyDocument: "{}" }));
  kube.reset();
  for (const type of ["webhook", "aws-iam-key", "api-key"]) {
    await admin.lambda().send(
      new CreateFunctionCommand({
        FunctionName: rotationFunctionName(TENANT, type),
        Runtime: "nodejs22.x",
        Role: (roleArn = role.Role!.Arn!),
        Handler: "index.handler",
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
  }
  await admin.sns().send(new CreateTopicCommand({ Name: alarmTopicName(TENANT) }));
});

/** Creates the secret as the program names and tags it, with a first value, and returns its ARN. */
async function createProgramSecret(policyName: string, value: object): Promise<string> {
  const secret = recorded("aws:secretsmanager/secret:Secret", `${TENANT}/${policyName}-secret`);
  expect(secret.inputs.name).toBe(secretName(TENANT, policyName));
  const tags = secret.inputs.tags as Record<string, string>;
  const made = await admin.secretsManager().send(
    new CreateSecretCommand({
      Name: secret.inputs.name as string,
      SecretString: JSON.stringify(value),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return made.ARN!;
}

/** Secrets Manager's part (RotateSecret), then the four steps as the deployed Lambda receives them. */
async function rotate(
  secretType: string,
  arn: string,
  calls: string[],
  eks?: EksOptions,
): Promise<{ token: string; error?: unknown }> {
  const { configText } = packageOf(secretType);
  writeFileSync(join(packageDir, CONFIG_FILE), configText);
  // As in the Lambda: the file beside index.mjs, found through LAMBDA_TASK_ROOT.
  const config = loadHandlerConfig({ LAMBDA_TASK_ROOT: packageDir });
  const token = (
    await admin.secretsManager().send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${rotationFunctionName(TENANT, secretType)}`,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    )
  ).VersionId!;
  const clients = new AwsClients({
    endpoint: moto.endpoint,
    region: REGION,
    credentials,
    onCall: (service, command) => calls.push(`${service}:${command.replace(/Command$/, "")}`),
  });
  try {
    for (const Step of STEPS) {
      await handleRotationEvent({ Step, SecretId: arn, ClientRequestToken: token }, config, {
        clients,
        audit: (event) => audit.push(event),
        retry: { attempts: 2, firstDelayMs: 1 },
        wait: { timeoutMs: 2000, intervalMs: 10 },
        ...(eks && { eks }),
      });
    }
    return { token };
  } catch (error) {
    return { token, error };
  } finally {
    clients.destroy();
  }
}

async function current(
  arn: string,
): Promise<{ versionId: string; value: Record<string, unknown> }> {
  const got = await admin
    .secretsManager()
    .send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
  return {
    versionId: got.VersionId!,
    value: JSON.parse(got.SecretString!) as Record<string, unknown>,
  };
}

function expectAllowed(secretType: string, calls: readonly string[]) {
  const allowed = allowedActions(rolePolicyOf(secretType));
  const denied = [...new Set(calls)].filter((c) => !allowed.has(c) && !NEEDS_NO_PERMISSION.has(c));
  expect(denied, `${secretType} rotation calls outside its role policy`).toEqual([]);
}

describe("the program's rotation functions against moto", () => {
  it("ships the bundle with a configuration keyed by the program's secret names, free of secret values", () => {
    for (const type of ["postgres", "mysql", "api-key", "webhook", "aws-iam-key"]) {
      const { bundle, configText } = packageOf(type);
      expect(bundle).toEqual({ archive: "dist/rotation" });
      const config = JSON.parse(configText) as { secrets: Record<string, { tenant: string }> };
      for (const key of Object.keys(config.secrets)) expect(key).toMatch(/^vaultpilot\/acme\//);
    }
  });

  it("rotates the webhook secret and reloads its Lambda consumer, calling only what the role allows", async () => {
    const arn = await createProgramSecret("webhook-signing", { signingSecret: CANARY });
    await admin.lambda().send(
      new CreateFunctionCommand({
        FunctionName: "acme-webhook-dispatcher",
        Runtime: "nodejs22.x",
        Role: roleArn,
        Handler: "index.handler",
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
    const calls: string[] = [];

    const { token, error } = await rotate("webhook", arn, calls);

    expect(error).toBeUndefined();
    const now = await current(arn);
    expect(now.versionId).toBe(token);
    expect(now.value.signingSecret).not.toBe(CANARY);
    expect(calls).toEqual(
      expect.arrayContaining([
        "secretsmanager:GetRandomPassword",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
        "lambda:UpdateFunctionConfiguration",
      ]),
    );
    expectAllowed("webhook", calls);
    expect(JSON.stringify(audit)).not.toContain(CANARY);
  });

  it("rotates the IAM key of the program's user and runs the SSM reload, calling only what the role allows", async () => {
    const iam = admin.iam();
    const userName = iamKeyUserName(TENANT, "deploy-iam-key");
    const user = await iam.send(
      new CreateUserCommand({ UserName: userName, Path: iamKeyUserPath(TENANT) }),
    );
    // The role is scoped to exactly this user's ARN.
    expect(
      rolePolicyOf("aws-iam-key").Statement.find((x) => x.Sid === "RotateTenantAccessKeys")!
        .Resource,
    ).toEqual([user.User!.Arn]);
    const old = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    const arn = await createProgramSecret("deploy-iam-key", {
      userName,
      accessKeyId: old.AccessKeyId,
      secretAccessKey: old.SecretAccessKey,
    });
    const calls: string[] = [];

    const { token, error } = await rotate("aws-iam-key", arn, calls);

    expect(error).toBeUndefined();
    const now = await current(arn);
    expect(now.versionId).toBe(token);
    expect(now.value.accessKeyId).not.toBe(old.AccessKeyId);
    expect(calls).toEqual(
      expect.arrayContaining([
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "ssm:SendCommand",
        "ssm:ListCommands",
      ]),
    );
    expectAllowed("aws-iam-key", calls);
  });

  it("rotates the API key and restarts its Kubernetes consumer on the program's EKS cluster, calling only what the role allows", async () => {
    const arn = await createProgramSecret("stripe-api-key", { apiKey: CANARY });
    await admin.eks().send(
      new CreateClusterCommand({
        name: "acme-prod",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster`,
        resourcesVpcConfig: { subnetIds: ["subnet-1"] },
      }),
    );
    const cluster = await admin.eks().send(new DescribeClusterCommand({ name: "acme-prod" }));
    kube.addDeployment("payments", "payments-api", 2);
    const calls: string[] = [];

    // moto's cluster endpoint is a made-up host: the Kubernetes requests go to the test's server.
    const { token, error } = await rotate("api-key", arn, calls, {
      endpointUrl: kube.url,
      ca: kube.ca,
    });

    expect(error).toBeUndefined();
    expect((await current(arn)).versionId).toBe(token);
    expect(kube.deployments.get("payments/payments-api")!.spec.template.metadata).toEqual({
      annotations: { [RESTART_ANNOTATION]: restartAnnotation(token) },
    });
    expect(calls).toContain("eks:DescribeCluster");
    expectAllowed("api-key", calls);
    const reach = rolePolicyOf("api-key").Statement.find((s) => s.Sid === "ReachEksClusters");
    expect(reach?.Resource).toEqual([cluster.cluster!.arn]);
    expect(JSON.stringify(audit)).not.toContain(CANARY);
  });

  it("rolls back a rotation whose reload fails and alerts the program's alarm topic, calling only what the role allows", async () => {
    // No acme-webhook-dispatcher function: the reload after finishSecret fails.
    const arn = await createProgramSecret("webhook-signing", { signingSecret: CANARY });
    const before = await current(arn);
    const calls: string[] = [];

    const { error } = await rotate("webhook", arn, calls);

    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain(CANARY);
    expect((await current(arn)).versionId).toBe(before.versionId);
    expect(calls).toContain("sns:Publish");
    // acme's notification routes (policies/tenants/acme/tenant.yaml) replace the plain alert: its
    // email route publishes to the topic; the Slack URL's secret and the SIEM's stack config key
    // are not there, so those two routes fail, each an audit line, and the rollback stands.
    expect(
      audit.filter((e) => e.step.startsWith("notify:")).map((e) => [e.step, e.outcome]),
    ).toEqual([
      ["notify:security", "succeeded"],
      ["notify:platform-slack", "failed"],
      ["notify:siem", "failed"],
    ]);
    const topics = (await admin.sns().send(new ListTopicsCommand({}))).Topics ?? [];
    expect(topics.map((t) => t.TopicArn)).toContain(
      `arn:aws:sns:${REGION}:${ACCOUNT}:${alarmTopicName(TENANT)}`,
    );
    expectAllowed("webhook", calls);
  });

  it("keeps the versions the engine left consistent: one AWSCURRENT, no AWSPENDING after success", async () => {
    const arn = await createProgramSecret("webhook-signing", { signingSecret: "first" });
    await admin.lambda().send(
      new CreateFunctionCommand({
        FunctionName: "acme-webhook-dispatcher",
        Runtime: "nodejs22.x",
        Role: roleArn,
        Handler: "index.handler",
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
    await rotate("webhook", arn, []);
    const listed = await admin
      .secretsManager()
      .send(new ListSecretVersionIdsCommand({ SecretId: arn }));
    const stages = (listed.Versions ?? []).flatMap((v) => v.VersionStages ?? []);
    expect(stages.filter((s) => s === "AWSCURRENT")).toHaveLength(1);
    expect(stages).not.toContain("AWSPENDING");
  });
});
