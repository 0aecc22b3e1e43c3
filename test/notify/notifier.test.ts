import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import { createNotifier, type NotifierOptions } from "../../components/notify/notifier.js";
import { fileDedupe } from "../../components/notify/dedupe.js";
import type { Notice } from "../../components/notify/notice.js";
import { verifyWebhook } from "../../components/notify/signing.js";
import type { NotificationRoute } from "../../program/notifications.js";
import { freePort, MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import {
  makeCertificates,
  startReceiver,
  type HttpsReceiver,
  type TestCertificates,
} from "../support/https-receiver.js";

const CANARY = "CANARY-notify-9d41e";
const SIGNING_KEY = "whsec-current-5b7c";
const PREVIOUS_KEY = "whsec-previous-11aa";

let moto: MotoServer;
let clients: AwsClients;
let tls: TestCertificates;
let slack: HttpsReceiver;
let hook: HttpsReceiver;
let snsServer: Server;
let emails: { Subject?: string; Message?: string }[] = [];
let topicArn = "";
let stateDir = "";

beforeAll(async () => {
  [moto, tls] = await Promise.all([startMoto(), Promise.resolve(makeCertificates())]);
  clients = new AwsClients({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
  slack = await startReceiver(tls);
  hook = await startReceiver(tls);
  // The receiver checks every post's signature as a customer's endpoint would.
  hook.check = (post) =>
    verifyWebhook({
      body: post.body,
      timestamp: post.headers["x-vaultpilot-timestamp"] as string | undefined,
      signature: post.headers["x-vaultpilot-signature"] as string | undefined,
      keys: [SIGNING_KEY, PREVIOUS_KEY],
    }).ok;
  snsServer = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const parsed = JSON.parse(body) as { Type?: string; Subject?: string; Message?: string };
      if (parsed.Type === "Notification")
        emails.push({ Subject: parsed.Subject, Message: parsed.Message });
      response.end();
    });
  });
  await new Promise<void>((resolve) => snsServer.listen(0, "127.0.0.1", resolve));
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await slack?.close();
  await hook?.close();
  await new Promise<void>((resolve) => (snsServer ? snsServer.close(() => resolve()) : resolve()));
  await moto?.stop();
  tls?.remove();
});

beforeEach(async () => {
  await moto.reset();
  for (const r of [slack, hook]) {
    r.posts.length = 0;
    r.refused.length = 0;
    r.answers = [];
  }
  emails = [];
  const sm = clients.secretsManager();
  await sm.send(
    new CreateSecretCommand({
      Name: "ops/slack-url",
      SecretString: `${slack.url}/services/T0/B0/x`,
    }),
  );
  await sm.send(new CreateSecretCommand({ Name: "ops/hook-key", SecretString: SIGNING_KEY }));
  topicArn = (
    await clients.sns().send(new CreateTopicCommand({ Name: "vaultpilot_acme_rotation-alarms" }))
  ).TopicArn!;
  const address = snsServer.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await clients.sns().send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "http",
      Endpoint: `http://127.0.0.1:${port}/`,
    }),
  );
  stateDir = mkdtempSync(join(tmpdir(), "vaultpilot-notify-"));
  return () => rmSync(stateDir, { recursive: true, force: true });
});

const everyEvent: NotificationRoute["events"] = [
  "rotation-failed",
  "rotation-rolled-back",
  "rollback-failed",
  "drift-found",
];

function routes(): NotificationRoute[] {
  return [
    {
      name: "platform",
      target: { kind: "slack", url: { secretsManager: "ops/slack-url" } },
      events: everyEvent,
      minSeverity: "info",
    },
    {
      name: "siem",
      target: {
        kind: "webhook",
        url: { stackConfig: "siemUrl" },
        signingKey: { secretsManager: "ops/hook-key" },
      },
      events: everyEvent,
      minSeverity: "info",
    },
    {
      name: "security",
      target: { kind: "email" },
      events: ["rollback-failed"],
      minSeverity: "critical",
    },
  ];
}

function notifier(overrides: Partial<NotifierOptions> = {}) {
  return createNotifier({
    notifications: { routes: routes(), dedupeMinutes: 60 },
    clients,
    topicArn,
    dedupe: fileDedupe(join(stateDir, "notifications.json")),
    https: { agent: tls.agent, timeoutMs: 2000 },
    env: { VAULTPILOT_NOTIFY_SIEMURL: `${hook.url}/hooks/vaultpilot` },
    baseDelayMs: 5,
    redact: (text) => text.split(CANARY).join("***"),
    ...overrides,
  });
}

const rolledBack: Notice = {
  event: "rotation-rolled-back",
  tenant: "acme",
  secret: "orders-db",
  run: "run-0001",
  title: "Rotation of acme/orders-db failed and was rolled back",
  detail: `setSecret failed: password authentication failed for value ${CANARY}`,
  next: "Fix the cause, then run: vaultpilot rotate acme/orders-db",
};

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe("notifier", () => {
  it("posts Block Kit to Slack and a signed JSON body to the webhook, never the canary", async () => {
    const deliveries = await notifier().notify(rolledBack);

    expect(deliveries.map((d) => [d.route, d.outcome, d.attempts])).toEqual([
      ["platform", "succeeded", 1],
      ["siem", "succeeded", 1],
    ]);
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.path).toBe("/services/T0/B0/x");
    const message = JSON.parse(slack.posts[0]!.body) as {
      text: string;
      blocks: { type: string }[];
    };
    expect(message.blocks.map((b) => b.type)).toEqual([
      "header",
      "section",
      "section",
      "section",
      "context",
    ]);
    expect(slack.posts[0]!.body).toContain("run-0001");
    expect(slack.posts[0]!.body).toContain("vaultpilot rotate acme/orders-db");
    expect(hook.refused).toEqual([]);
    expect(hook.posts).toHaveLength(1);
    expect(JSON.parse(hook.posts[0]!.body)).toMatchObject({
      version: 1,
      event: "rotation-rolled-back",
      severity: "error",
      tenant: "acme",
      secret: "orders-db",
      run: "run-0001",
    });
    for (const post of [...slack.posts, ...hook.posts]) expect(post.body).not.toContain(CANARY);
    // The critical-only email route does not carry an error.
    expect(emails).toEqual([]);
  });

  it("emails a rollback failure through the tenant's SNS topic (moto delivers it to a subscription)", async () => {
    await notifier().notify({
      ...rolledBack,
      event: "rollback-failed",
      title: "Rotation of acme/orders-db failed AND its rollback failed",
    });
    await waitFor(() => emails.length > 0);

    expect(emails).toHaveLength(1);
    expect(emails[0]!.Subject).toBe(
      "VaultPilot critical: Rotation of acme/orders-db failed AND its rollback failed",
    );
    expect(emails[0]!.Message).toContain("Run: run-0001");
    expect(emails[0]!.Message).toContain("What to do next: Fix the cause");
    expect(emails[0]!.Message).not.toContain(CANARY);
  });

  it("does not send the same notification again within the window, and does after it", async () => {
    let now = Date.parse("2026-12-07T10:00:00Z");
    const first = notifier({ now: () => now });
    await first.notify(rolledBack);
    now += 59 * 60_000;
    // Another process, the same state file: a rerun of the CLI.
    const again = await notifier({ now: () => now }).notify({ ...rolledBack, run: "run-0002" });

    expect(again.map((d) => d.outcome)).toEqual(["skipped", "skipped"]);
    expect(again[0]!.detail).toMatch(/within the 60-minute window/);
    expect(slack.posts).toHaveLength(1);
    expect(statSync(join(stateDir, "notifications.json")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(stateDir, "notifications.json"), "utf8")).not.toMatch(
      /acme|orders-db|platform/,
    );

    now += 2 * 60_000;
    await notifier({ now: () => now }).notify({ ...rolledBack, run: "run-0003" });
    expect(slack.posts).toHaveLength(2);
  });

  it("retries a 503 with backoff, and gives up at once on a 404", async () => {
    slack.answers = [503, 503];
    hook.answers = [404];

    const deliveries = await notifier().notify(rolledBack);

    expect(deliveries.map((d) => [d.route, d.outcome, d.attempts])).toEqual([
      ["platform", "succeeded", 3],
      ["siem", "failed", 1],
    ]);
    expect(deliveries[1]!.detail).toBe(
      "attempt 1: PermanentFailure: the receiver answered HTTP 404",
    );
    expect(slack.posts).toHaveLength(3);
  });

  it("reports an unreachable receiver and a missing stack config key as failures, without the URL", async () => {
    const closed = await freePort();
    const deliveries = await notifier({
      env: { VAULTPILOT_NOTIFY_SIEMURL: `https://127.0.0.1:${closed}/secret-path-token` },
      attempts: 2,
    }).notify(rolledBack);
    const missing = await notifier({ env: {} }).notify({ ...rolledBack, subject: "other" });

    expect(deliveries[1]).toMatchObject({ route: "siem", outcome: "failed", attempts: 2 });
    expect(deliveries[1]!.detail).toMatch(/ECONNREFUSED/);
    expect(deliveries[1]!.detail).not.toContain("secret-path-token");
    expect(missing[1]).toMatchObject({ outcome: "failed", attempts: 1 });
    expect(missing[1]!.detail).toMatch(
      /stack config key siemUrl is not set: export VAULTPILOT_NOTIFY_SIEMURL/,
    );
  });

  it("refuses a webhook URL that is not https://", async () => {
    const deliveries = await notifier({
      env: { VAULTPILOT_NOTIFY_SIEMURL: `http://127.0.0.1:1/x` },
    }).notify(rolledBack);
    expect(deliveries[1]!.detail).toMatch(/not https:\/\//);
  });
});
