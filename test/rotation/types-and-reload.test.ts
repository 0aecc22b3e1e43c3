import { createServer, type Server } from "node:http";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import { CreateFunctionCommand, GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateDocumentCommand, ListCommandsCommand } from "@aws-sdk/client-ssm";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ReloadTarget, SecretRotationConfig } from "../../components/rotation/config.js";
import {
  RESTART_ANNOTATION,
  restartAnnotation,
} from "../../components/rotation/reload/kubernetes.js";
import { VERSION_VARIABLE } from "../../components/rotation/reload/lambda.js";
import { SimulatedCrash, STEPS } from "../../components/rotation/engine.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { RotationHarness } from "./harness.js";

let moto: MotoServer;
let harness: RotationHarness;
let kube: {
  server: Server;
  config: KubeConfig;
  patches: { contentType: string; body: unknown }[];
  deployments: Map<string, Deployment>;
};

interface Deployment {
  metadata: {
    name: string;
    namespace: string;
    generation: number;
    annotations?: Record<string, string>;
  };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
  };
}

/** Answers deployment GET and strategic-merge PATCH as the Kubernetes API documents them. */
async function startKubernetesApi() {
  const deployments = new Map<string, Deployment>();
  const patches: { contentType: string; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/?]+)/.exec(
        request.url ?? "",
      );
      const key = match ? `${match[1]}/${match[2]}` : "";
      const found = deployments.get(key);
      response.setHeader("content-type", "application/json");
      if (!found) {
        response.statusCode = 404;
        response.end(
          JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            reason: "NotFound",
            code: 404,
            message: `deployments.apps "${match?.[2]}" not found`,
          }),
        );
        return;
      }
      if (request.method === "PATCH") {
        const body = JSON.parse(text) as {
          spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
        };
        patches.push({ contentType: request.headers["content-type"] ?? "", body });
        const annotations = body.spec?.template?.metadata?.annotations ?? {};
        const before = JSON.stringify(found.spec.template.metadata.annotations ?? {});
        found.spec.template.metadata.annotations = {
          ...(found.spec.template.metadata.annotations ?? {}),
          ...annotations,
        };
        // A changed pod template is a new generation; the rollout then completes at once.
        if (JSON.stringify(found.spec.template.metadata.annotations) !== before)
          found.metadata.generation += 1;
        found.status = {
          observedGeneration: found.metadata.generation,
          replicas: found.spec.replicas,
          updatedReplicas: found.spec.replicas,
          readyReplicas: found.spec.replicas,
        };
      }
      response.end(JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", ...found }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "local", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "tester", token: "test-token" }],
    contexts: [{ name: "local", cluster: "local", user: "tester" }],
    currentContext: "local",
  });
  return { server, config, patches, deployments };
}

beforeAll(async () => {
  moto = await startMoto({ awsRules: true });
  harness = new RotationHarness(moto);
  kube = await startKubernetesApi();
});

afterAll(async () => {
  await harness?.close();
  await moto?.stop();
  await new Promise<void>((resolve) => kube.server.close(() => resolve()));
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  kube.patches.length = 0;
  kube.deployments.clear();
});

const base = { tenant: "acme", name: "some-secret" } as const;

async function rotate(name: string, config: SecretRotationConfig) {
  const token = await harness.startRotation(name);
  await harness.runSteps(name, config, token, { kubeConfig: kube.config });
  return token;
}

describe("api-key, webhook and generic rotation", () => {
  it("gives an api-key a new generated apiKey under the password policy", async () => {
    await harness.createSecret("acme/stripe", { apiKey: "old-key-value" });
    const token = await rotate("acme/stripe", {
      ...base,
      type: "api-key",
      password: { length: 48, exclude: "abc" },
    });
    const current = await harness.value("acme/stripe", { stage: "AWSCURRENT" });
    expect(current.apiKey).toHaveLength(48);
    expect(current.apiKey).not.toMatch(/[abc]/);
    expect((await harness.stages("acme/stripe"))[token]).toEqual(["AWSCURRENT"]);
  });

  it("keeps the previous webhook signing secret valid for the overlap", async () => {
    await harness.createSecret("acme/hook", { signingSecret: "old-signing-secret" });
    const before = Date.now();
    await rotate("acme/hook", { ...base, type: "webhook", overlapHours: 2 });
    const current = await harness.value("acme/hook", { stage: "AWSCURRENT" });
    expect(current.previousSigningSecret).toBe("old-signing-secret");
    expect(current.signingSecret).not.toBe("old-signing-secret");
    const until = Date.parse(current.previousValidUntil as string);
    expect(until - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(until - before).toBeLessThan(2 * 3_600_000 + 60_000);
  });

  it("gives a generic secret a new value and keeps its other fields", async () => {
    await harness.createSecret("acme/flags", { value: "old", note: "kept" });
    await rotate("acme/flags", { ...base, type: "generic" });
    const current = await harness.value("acme/flags", { stage: "AWSCURRENT" });
    expect(current.note).toBe("kept");
    expect(current.value).toHaveLength(32);
  });
});

describe("replica writer", () => {
  it("publishes the new version before any consumer reloads, and the restored one in rollback", async () => {
    await harness.createSecret("acme/flags", { value: "old" });
    const first = (await harness.value("acme/flags", { stage: "AWSCURRENT" })).value;
    const order: string[] = [];
    const replicas = {
      publish: async (_secret: { name: string }, version: { versionId: string; value: string }) => {
        order.push(`publish ${JSON.parse(version.value).value === first ? "old" : "new"}`);
      },
    };
    const config: SecretRotationConfig = {
      ...base,
      type: "generic",
      reload: [
        { service: "billing-worker", runtime: "lambda", lambda: { function: "no-such-function" } },
      ],
    };
    const token = await harness.startRotation("acme/flags");
    const engine = harness.engine("acme/flags", config, {
      replicas,
      retry: { attempts: 1, firstDelayMs: 1 },
      audit: (event) => {
        if (event.step.startsWith("reload:") && event.outcome === "started") order.push("reload");
      },
    });

    const failed = await (async () => {
      for (const step of STEPS) await engine.step(step, token);
    })().then(
      () => undefined,
      (error: Error) => error.message,
    );

    expect(failed).toMatch(
      /reload of consumer billing-worker \(Lambda function no-such-function\) failed/,
    );
    // finishSecret: publish the new value, then reload (which fails); rollback: publish the old
    // value, then reload the consumers back onto it.
    expect(order).toEqual(["publish new", "reload", "publish old", "reload"]);
  });
});

describe("aws-iam-key rotation", () => {
  it("makes a new access key current and deletes the old one, never holding more than two", async () => {
    const iam = harness.clients.iam();
    await iam.send(new CreateUserCommand({ UserName: "deployer" }));
    const old = (await iam.send(new CreateAccessKeyCommand({ UserName: "deployer" }))).AccessKey!;
    await harness.createSecret("acme/deploy-key", {
      userName: "deployer",
      accessKeyId: old.AccessKeyId,
      secretAccessKey: old.SecretAccessKey,
    });

    await rotate("acme/deploy-key", { ...base, type: "aws-iam-key" });

    const current = await harness.value("acme/deploy-key", { stage: "AWSCURRENT" });
    const keys =
      (await iam.send(new ListAccessKeysCommand({ UserName: "deployer" }))).AccessKeyMetadata ?? [];
    expect(current.accessKeyId).not.toBe(old.AccessKeyId);
    expect(keys.map((k) => k.AccessKeyId)).toEqual([current.accessKeyId]);
  });
});

describe("aws-iam-key rotation after a crash", () => {
  it("runs finishSecret again after a crash that followed deleting the old key, keeping one key", async () => {
    const iam = harness.clients.iam();
    await iam.send(new CreateUserCommand({ UserName: "deployer" }));
    const old = (await iam.send(new CreateAccessKeyCommand({ UserName: "deployer" }))).AccessKey!;
    await harness.createSecret("acme/deploy-key", {
      userName: "deployer",
      accessKeyId: old.AccessKeyId,
      secretAccessKey: old.SecretAccessKey,
    });
    const config: SecretRotationConfig = { ...base, type: "aws-iam-key" };
    const token = await harness.startRotation("acme/deploy-key");
    const crashing = harness.engine("acme/deploy-key", config, {
      claimTtlMs: 1,
      crashAt: (at) => {
        if (at === "finishSecret:after-retire") throw new SimulatedCrash(at);
      },
    });
    const crashed = await (async () => {
      for (const step of STEPS) await crashing.step(step, token);
    })().then(
      () => false,
      (error: unknown) => error instanceof SimulatedCrash,
    );
    expect(crashed).toBe(true);
    expect((await harness.stages("acme/deploy-key"))[token]?.sort()).toEqual([
      "AWSCURRENT",
      "AWSPENDING",
    ]);
    harness.audit.length = 0;

    await harness.runSteps("acme/deploy-key", config, token);

    const current = await harness.value("acme/deploy-key", { stage: "AWSCURRENT" });
    const keys =
      (await iam.send(new ListAccessKeysCommand({ UserName: "deployer" }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.AccessKeyId)).toEqual([current.accessKeyId]);
    expect((await harness.stages("acme/deploy-key"))[token]).toEqual(["AWSCURRENT"]);
    expect(harness.audit.filter((e) => e.outcome === "failed" || e.step === "rollback")).toEqual(
      [],
    );
  });
});

describe("reload of consumers", () => {
  it("restarts an ECS service, sets the Lambda version variable, runs the SSM document and patches the deployment", async () => {
    const ecs = harness.clients.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "acme-prod" }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "orders",
        containerDefinitions: [{ name: "app", image: "app:1", memory: 128 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: "acme-prod",
        serviceName: "orders-api",
        taskDefinition: "orders",
        desiredCount: 2,
      }),
    );
    // moto starts services with no running tasks; setting desiredCount marks them running.
    await ecs.send(
      new UpdateServiceCommand({ cluster: "acme-prod", service: "orders-api", desiredCount: 2 }),
    );
    const lambda = harness.clients.lambda();
    const role = (
      await harness.clients
        .lambda()
        .send(new GetFunctionConfigurationCommand({ FunctionName: "vaultpilot-rotation" }))
    ).Role!;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "acme-billing-worker",
        Runtime: "nodejs22.x",
        Role: role,
        Handler: "index.handler",
        Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
        Environment: { Variables: { KEEP: "me" } },
      }),
    );
    await harness.clients.ssm().send(
      new CreateDocumentCommand({
        Name: "acme-restart",
        DocumentType: "Command",
        Content: JSON.stringify({
          schemaVersion: "2.2",
          description: "restart",
          mainSteps: [
            {
              action: "aws:runShellScript",
              name: "restart",
              inputs: { runCommand: ["systemctl restart app"] },
            },
          ],
        }),
      }),
    );
    kube.deployments.set("payments/payments-api", {
      metadata: { name: "payments-api", namespace: "payments", generation: 1 },
      spec: { replicas: 3, template: { metadata: {} } },
      status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3 },
    });
    const reload: ReloadTarget[] = [
      {
        service: "orders-api",
        runtime: "ecs",
        ecs: { cluster: "acme-prod", service: "orders-api" },
      },
      {
        service: "billing-worker",
        runtime: "lambda",
        lambda: { function: "acme-billing-worker", healthCheck: true },
      },
      {
        service: "ci-runner",
        runtime: "ec2",
        ec2: { instanceTags: { role: "ci" }, document: "acme-restart" },
      },
      {
        service: "payments-api",
        runtime: "kubernetes",
        kubernetes: { namespace: "payments", deployment: "payments-api" },
      },
    ];
    await harness.createSecret("acme/flags", { value: "old" });

    const token = await rotate("acme/flags", { ...base, type: "generic", reload });

    const service = (
      await ecs.send(
        new DescribeServicesCommand({ cluster: "acme-prod", services: ["orders-api"] }),
      )
    ).services![0]!;
    expect(service.runningCount).toBe(2);
    const fn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: "acme-billing-worker" }),
    );
    expect(fn.Environment?.Variables).toEqual({ KEEP: "me", [VERSION_VARIABLE]: token });
    const commands = (await harness.clients.ssm().send(new ListCommandsCommand({}))).Commands ?? [];
    expect(commands.map((c) => [c.DocumentName, c.Targets])).toEqual([
      ["acme-restart", [{ Key: "tag:role", Values: ["ci"] }]],
    ]);
    expect(kube.patches).toEqual([
      {
        contentType: "application/strategic-merge-patch+json",
        body: {
          spec: {
            template: {
              metadata: { annotations: { [RESTART_ANNOTATION]: restartAnnotation(token) } },
            },
          },
        },
      },
    ]);
    expect(
      harness.audit
        .filter((e) => e.step.startsWith("reload:") && e.outcome === "succeeded")
        .map((e) => e.step),
    ).toEqual([
      "reload:orders-api",
      "reload:billing-worker",
      "reload:ci-runner",
      "reload:payments-api",
    ]);
  });

  it("derives the restart annotation from the version id alone", () => {
    expect(restartAnnotation("v-1")).toBe(restartAnnotation("v-1"));
    expect(restartAnnotation("v-1")).not.toBe(restartAnnotation("v-2"));
    expect(restartAnnotation("v-1")).toMatch(/^[0-9a-f]{16}$/);
  });

  it("rolls back AWSCURRENT when a deployment does not exist", async () => {
    await harness.createSecret("acme/flags", { value: "old" });
    const reload: ReloadTarget[] = [
      {
        service: "web",
        runtime: "kubernetes",
        kubernetes: { namespace: "web", deployment: "missing" },
      },
    ];
    const token = await harness.startRotation("acme/flags");
    await expect(
      harness.runSteps("acme/flags", { ...base, type: "generic", reload }, token, {
        kubeConfig: kube.config,
      }),
    ).rejects.toThrow(/finishSecret of acme\/flags failed after 3 attempt/);
    expect((await harness.value("acme/flags", { stage: "AWSCURRENT" })).value).toBe("old");
  });
});

describe("Lambda handler", () => {
  it("runs a step for a secret configured in VAULTPILOT_ROTATION, with the SDK configured from the environment", async () => {
    const { handler } = await import("../../components/rotation/index.js");
    await harness.createSecret("acme/flags", { value: "old" });
    const token = await harness.startRotation("acme/flags");
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      VAULTPILOT_ROTATION: JSON.stringify({
        secrets: { "acme/flags": { ...base, type: "generic" } },
      }),
    });
    const write = process.stdout.write;
    const lines: string[] = [];
    process.stdout.write = ((chunk: string) => {
      lines.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
        await handler({ Step, SecretId: "acme/flags", ClientRequestToken: token });
      }
      await expect(
        handler({ Step: "dropSecret", SecretId: "acme/flags", ClientRequestToken: token }),
      ).rejects.toThrow('unknown rotation step "dropSecret"');
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
    expect((await harness.stages("acme/flags"))[token]).toEqual(["AWSCURRENT"]);
    const events = lines.map(
      (line) => JSON.parse(line) as { step: string; outcome: string; tenant: string },
    );
    expect(events.filter((e) => e.outcome === "succeeded").map((e) => e.step)).toEqual([
      "createSecret",
      "setSecret",
      "testSecret",
      "finishSecret",
    ]);
    expect(events.every((e) => e.tenant === "acme")).toBe(true);
  });
});
