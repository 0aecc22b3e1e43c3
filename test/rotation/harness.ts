import { createServer, type Server } from "node:http";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { alarmTopicName } from "../../cloud/aws/naming.js";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import type { SecretRotationConfig } from "../../components/rotation/config.js";
import { STEPS } from "../../components/rotation/engine.js";
import type { AuditEvent } from "../../components/rotation/ports.js";
import { createEngine, type RuntimeOptions } from "../../components/rotation/runtime.js";
import { MOTO_CREDENTIALS, type MotoServer } from "../support/moto.js";

/** Everything a rotation test reads back from moto, made once per file. */
export class RotationHarness {
  readonly sm: SecretsManagerClient;
  readonly clients: AwsClients;
  readonly audit: AuditEvent[] = [];
  readonly alerts: { Subject?: string; Message?: string }[] = [];
  private alertServer?: Server;
  functionArn = "";
  topicArn = "";

  constructor(readonly moto: MotoServer) {
    const config = { ...MOTO_CREDENTIALS, endpoint: moto.endpoint };
    this.sm = new SecretsManagerClient(config);
    this.clients = new AwsClients({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
  }

  /** After a moto reset: the rotation Lambda (a no-op in moto) and the alert topic, subscribed over HTTP. */
  async prepare(): Promise<void> {
    this.audit.length = 0;
    this.alerts.length = 0;
    await this.moto.configure({ lambda: { use_docker: false } });
    const iam = this.clients.iam();
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "rotation", AssumeRolePolicyDocument: "{}" }),
    );
    const lambda = this.clients.lambda();
    const made = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "vaultpilot-rotation",
        Runtime: "nodejs22.x",
        Role: role.Role!.Arn!,
        Handler: "index.handler",
        Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
      }),
    );
    this.functionArn = made.FunctionArn!;
    const sns = this.clients.sns();
    this.topicArn = (
      await sns.send(new CreateTopicCommand({ Name: alarmTopicName("acme") }))
    ).TopicArn!;
    if (!this.alertServer) {
      this.alertServer = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          const parsed = JSON.parse(body) as { Type?: string; Subject?: string; Message?: string };
          if (parsed.Type === "Notification")
            this.alerts.push({ Subject: parsed.Subject, Message: parsed.Message });
          response.end();
        });
      });
      await new Promise<void>((resolve) => this.alertServer!.listen(0, "127.0.0.1", resolve));
    }
    const address = this.alertServer.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await sns.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: "http",
        Endpoint: `http://127.0.0.1:${port}/`,
      }),
    );
  }

  async createSecret(name: string, value: object): Promise<string> {
    const made = await this.sm.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
    );
    return made.VersionId!;
  }

  /** What Secrets Manager does before it calls the function: a new AWSPENDING version; returns its token. */
  async startRotation(name: string): Promise<string> {
    const started = await this.sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: this.functionArn,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    return started.VersionId!;
  }

  engine(name: string, config: SecretRotationConfig, options: RuntimeOptions = {}) {
    return createEngine(
      name,
      { alertTopicArn: this.topicArn, ...config },
      {
        clients: this.clients,
        audit: (event) => this.audit.push(event),
        retry: { attempts: 3, firstDelayMs: 5 },
        wait: { timeoutMs: 2000, intervalMs: 20 },
        ...options,
      },
    );
  }

  /** The four steps, as the Lambda runs them for Secrets Manager. */
  async runSteps(
    name: string,
    config: SecretRotationConfig,
    token: string,
    options: RuntimeOptions = {},
  ) {
    const engine = this.engine(name, config, options);
    for (const step of STEPS) await engine.step(step, token);
  }

  async value(
    name: string,
    select: { stage?: string; versionId?: string },
  ): Promise<Record<string, unknown>> {
    const got = await this.sm.send(
      new GetSecretValueCommand({
        SecretId: name,
        ...(select.stage && { VersionStage: select.stage }),
        ...(select.versionId && { VersionId: select.versionId }),
      }),
    );
    return JSON.parse(got.SecretString!) as Record<string, unknown>;
  }

  async stages(name: string): Promise<Record<string, string[]>> {
    const listed = await this.sm.send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
    );
    return Object.fromEntries(
      (listed.Versions ?? []).map((v) => [v.VersionId!, v.VersionStages ?? []]),
    );
  }

  /** Moto posts to the subscription asynchronously: wait for `count` alerts. */
  async waitForAlerts(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.alerts.length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  }

  async close(): Promise<void> {
    this.clients.destroy();
    this.sm.destroy();
    await new Promise<void>((resolve) =>
      this.alertServer ? this.alertServer.close(() => resolve()) : resolve(),
    );
  }
}

/** A password no output may ever contain. */
export const CANARY = 'CANARY-it\'s "quoted" \\ back%slash-7f3a9c';

/**
 * Only Secrets Manager's own labels (AWSCURRENT, AWSPENDING, AWSPREVIOUS) of `stages`: what a
 * rotation that changed nothing leaves as it found them (a run's claim marker may remain).
 */
export function awsStages(stages: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(stages)
      .map(([version, labels]) => [version, labels.filter((l) => l.startsWith("AWS"))] as const)
      .filter(([, labels]) => labels.length > 0),
  );
}
