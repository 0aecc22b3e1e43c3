import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fileDedupe, DEDUPE_TAG } from "../../components/notify/dedupe.js";
import type { SecretRotationConfig } from "../../components/rotation/config.js";
import { STEPS } from "../../components/rotation/engine.js";
import type { RuntimeOptions } from "../../components/rotation/runtime.js";
import type { TenantNotifications } from "../../program/notifications.js";
import { freePort, startMoto, type MotoServer } from "../support/moto.js";
import {
  makeCertificates,
  startReceiver,
  type HttpsReceiver,
  type TestCertificates,
} from "../support/https-receiver.js";
import { CANARY, RotationHarness } from "../rotation/harness.js";
import { runCli } from "../support/cli.js";
import { policyTree } from "../support/policy-tree.js";
import { MOTO_CREDENTIALS } from "../support/moto.js";

let moto: MotoServer;
let harness: RotationHarness;
let tls: TestCertificates;
let slack: HttpsReceiver;
let stateDir = "";

beforeAll(async () => {
  moto = await startMoto({ awsRules: true });
  harness = new RotationHarness(moto);
  tls = makeCertificates();
  slack = await startReceiver(tls);
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await slack?.close();
  await moto?.stop();
  tls?.remove();
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  slack.posts.length = 0;
  slack.answers = [];
  stateDir = mkdtempSync(join(tmpdir(), "vaultpilot-notify-"));
  await harness.sm.send(
    new CreateSecretCommand({
      Name: "ops/slack-url",
      SecretString: `${slack.url}/services/T1/B1/y`,
    }),
  );
  return () => rmSync(stateDir, { recursive: true, force: true });
});

const notifications: TenantNotifications = {
  dedupeMinutes: 360,
  routes: [
    {
      name: "platform",
      target: { kind: "slack", url: { secretsManager: "ops/slack-url" } },
      events: ["rotation-failed", "rotation-rolled-back", "rollback-failed"],
      minSeverity: "info",
    },
    {
      name: "security",
      target: { kind: "email" },
      events: ["rotation-rolled-back"],
      minSeverity: "error",
    },
  ],
};

/** A generic secret whose consumer (a Lambda function that does not exist) cannot be reloaded. */
const failing: SecretRotationConfig = {
  tenant: "acme",
  name: "flags",
  type: "generic",
  reload: [
    { service: "billing-worker", runtime: "lambda", lambda: { function: "no-such-function" } },
  ],
  notifications,
};

function options(extra: RuntimeOptions = {}): RuntimeOptions {
  return {
    retry: { attempts: 1, firstDelayMs: 1 },
    notify: {
      dedupe: fileDedupe(join(stateDir, "notifications.json")),
      https: { agent: tls.agent },
      baseDelayMs: 5,
    },
    ...extra,
  };
}

describe("notifications from the rotation engine", () => {
  it("posts a failed rotation to Slack once, and not again on a rerun within the window", async () => {
    await harness.createSecret("vaultpilot/acme/flags", { value: CANARY });
    const first = harness.engine("vaultpilot/acme/flags", failing, options());

    await expect(first.rotate()).rejects.toThrow(/rolled back to version/);
    await harness.waitForAlerts(1);

    expect(slack.posts).toHaveLength(1);
    const post = slack.posts[0]!.body;
    expect(post).toContain("Rotation of acme/flags failed and was rolled back");
    expect(post).toContain(first.run);
    expect(post).toContain("vaultpilot rotate acme/flags");
    expect(post).not.toContain(CANARY);
    // The email route replaces the plain SNS alert: one message on the topic, not two.
    expect(harness.alerts).toHaveLength(1);
    expect(harness.alerts[0]!.Subject).toBe(
      "VaultPilot error: Rotation of acme/flags failed and was rolled back",
    );
    expect(harness.alerts[0]!.Message).not.toContain(CANARY);
    expect(
      harness.audit.filter((e) => e.step.startsWith("notify:")).map((e) => [e.step, e.outcome]),
    ).toEqual([
      ["notify:platform", "succeeded"],
      ["notify:security", "succeeded"],
    ]);

    harness.audit.length = 0;
    const rerun = harness.engine("vaultpilot/acme/flags", failing, options());
    await expect(rerun.rotate()).rejects.toThrow(/rolled back to version/);

    expect(slack.posts).toHaveLength(1);
    const skipped = harness.audit.find((e) => e.step === "notify:platform");
    expect(skipped).toMatchObject({ outcome: "skipped", run: rerun.run });
    expect(skipped!.detail).toMatch(/^rotation-rolled-back: the same notification was sent/);
  });

  it("deduplicates through a tag on the secret when the function runs the four steps", async () => {
    await harness.createSecret("vaultpilot/acme/flags", { value: "v1" });
    const lambdaStyle = {
      retry: { attempts: 1, firstDelayMs: 1 },
      notify: { https: { agent: tls.agent } },
    };

    for (let run = 0; run < 2; run++) {
      const token = await harness.startRotation("vaultpilot/acme/flags");
      const engine = harness.engine("vaultpilot/acme/flags", failing, lambdaStyle);
      await expect(
        (async () => {
          for (const step of STEPS) await engine.step(step, token);
        })(),
      ).rejects.toThrow(/finishSecret of vaultpilot\/acme\/flags failed/);
    }

    expect(slack.posts).toHaveLength(1);
    const described = await harness.sm.send(
      new DescribeSecretCommand({ SecretId: "vaultpilot/acme/flags" }),
    );
    expect(described.Tags?.find((t) => t.Key === DEDUPE_TAG)?.Value).toMatch(
      /^[0-9a-f]{16}=[0-9]{10}(;[0-9a-f]{16}=[0-9]{10})*$/,
    );
  });

  it("finishes a rotation when the receiver cannot be reached, and audits the failed notification", async () => {
    const closed = await freePort();
    await harness.sm.send(
      new CreateSecretCommand({
        Name: "ops/dead-url",
        SecretString: `https://127.0.0.1:${closed}/services/T9/B9/secret-path`,
      }),
    );
    await harness.createSecret("vaultpilot/acme/flags", { value: "v1" });
    const config: SecretRotationConfig = {
      tenant: "acme",
      name: "flags",
      type: "generic",
      notifications: {
        dedupeMinutes: 360,
        routes: [
          {
            name: "platform",
            target: { kind: "slack", url: { secretsManager: "ops/dead-url" } },
            events: ["rotation-succeeded"],
            minSeverity: "info",
          },
        ],
      },
    };

    const result = await harness.engine("vaultpilot/acme/flags", config, options()).rotate();

    expect(result.resumed).toBe(false);
    expect((await harness.stages("vaultpilot/acme/flags"))[result.versionId]).toContain(
      "AWSCURRENT",
    );
    const line = harness.audit.find((e) => e.step === "notify:platform");
    expect(line).toMatchObject({ outcome: "failed", attempt: 3 });
    expect(line!.detail).toMatch(/^rotation-succeeded: attempt 3: ECONNREFUSED/);
    expect(line!.detail).not.toContain("secret-path");
  });

  it("vaultpilot rotate: a failed rotation posts to Slack once across two runs of the CLI", async () => {
    const tree = policyTree({
      "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata: { name: acme }
spec:
  plan: pro
  aws: { account: "123456789012", region: us-east-1 }
  notifications:
    routes:
      - name: platform
        slack: { url: { stackConfig: acmeSlack } }
---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata: { name: monthly }
spec: { every: 30d }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: billing-worker, tenant: acme }
spec:
  runtime: lambda
  reload:
    lambda: { function: no-such-function }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: flags, tenant: acme }
spec: { type: generic, schedule: monthly, consumers: [billing-worker] }
`,
    });
    await harness.createSecret("vaultpilot/acme/flags", { value: CANARY });
    const env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: MOTO_CREDENTIALS.region,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      VAULTPILOT_RETRY_ATTEMPTS: "1",
      NODE_EXTRA_CA_CERTS: tls.caFile,
      VAULTPILOT_NOTIFY_ACMESLACK: `${slack.url}/services/T2/B2/z`,
    };
    try {
      const rotate = () => runCli(["rotate", "acme/flags", "-p", tree.dir], { cwd: tree.dir, env });
      const first = await rotate();
      const second = await rotate();

      expect([first.code, second.code]).toEqual([1, 1]);
      expect(first.stderr).toMatch(/rolled back to version/);
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.body).toContain("Rotation of acme/flags failed and was rolled back");
      expect(slack.posts[0]!.body).not.toContain(CANARY);
      expect(first.stderr).toMatch(/"step":"notify:platform","outcome":"succeeded"/);
      expect(second.stderr).toMatch(/"step":"notify:platform","outcome":"skipped"/);
      expect(first.stderr + second.stderr).not.toContain(CANARY);
    } finally {
      tree.remove();
    }
  });
});
