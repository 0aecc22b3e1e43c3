import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { driftNotices } from "../../actions/notify/drift.js";
import { reportNotices } from "../../actions/notify/report.js";
import type { Finding } from "../../actions/drift/checks.js";
import type { Report } from "../../actions/report/result.js";
import { verifyWebhook } from "../../components/notify/signing.js";
import { runCli } from "../support/cli.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { policyTree } from "../support/policy-tree.js";
import {
  makeCertificates,
  startReceiver,
  type HttpsReceiver,
  type TestCertificates,
} from "../support/https-receiver.js";

const KEY = "cli-signing-key-0c1d";

function tenantYaml(secrets: boolean) {
  return `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws: { account: "123456789012", region: us-east-1 }
  notifications:
    routes:
      - name: siem
        webhook:
          url: { stackConfig: siemUrl }
          signingKey: { stackConfig: siemKey }
---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
${
  secrets
    ? `---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: api
  tenant: acme
spec:
  runtime: ecs
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme
spec:
  type: api-key
  schedule: monthly
  consumers: [api]
`
    : ""
}`;
}

let moto: MotoServer;
let tls: TestCertificates;
let hook: HttpsReceiver;

beforeAll(async () => {
  moto = await startMoto();
  tls = makeCertificates();
  hook = await startReceiver(tls);
  hook.check = (post) =>
    verifyWebhook({
      body: post.body,
      timestamp: post.headers["x-vaultpilot-timestamp"] as string | undefined,
      signature: post.headers["x-vaultpilot-signature"] as string | undefined,
      keys: [KEY],
    }).ok;
}, 60_000);

afterAll(async () => {
  await hook?.close();
  await moto?.stop();
  tls?.remove();
});

beforeEach(async () => {
  await moto.reset();
  hook.posts.length = 0;
  hook.refused.length = 0;
});

describe("vaultpilot drift --notify", () => {
  it("sends drift-found once, nothing on a rerun, then drift-resolved when the drift is gone", async () => {
    // The tenant's key as the program makes it, so that the only drift is the missing secret.
    const kms = new KMSClient({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
    const key = await kms.send(new CreateKeyCommand({}));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyMetadata!.KeyId! }));
    await kms.send(
      new CreateAliasCommand({
        AliasName: "alias/vaultpilot/acme",
        TargetKeyId: key.KeyMetadata!.KeyId!,
      }),
    );
    kms.destroy();
    const drifted = policyTree({ "acme.yaml": tenantYaml(true) });
    const clean = policyTree({ "acme.yaml": tenantYaml(false) });
    const work = policyTree({});
    const env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      NODE_EXTRA_CA_CERTS: tls.caFile,
      VAULTPILOT_NOTIFY_SIEMURL: `${hook.url}/vaultpilot`,
      VAULTPILOT_NOTIFY_SIEMKEY: KEY,
    };
    const drift = (dir: string) =>
      runCli(["drift", dir, "--format", "json", "--no-assume-role", "--notify"], {
        cwd: work.dir,
        env,
      });
    try {
      const first = await drift(drifted.dir);
      expect(first.code, first.stderr).toBe(1);
      const findings = (JSON.parse(first.stdout) as { findings: { check: string }[] }).findings;
      expect(findings.map((f) => f.check)).toEqual(["secret-exists"]);
      expect(hook.refused).toEqual([]);
      expect(hook.posts.map((p) => (JSON.parse(p.body) as { event: string }).event)).toEqual([
        "drift-found",
      ]);
      expect(JSON.parse(hook.posts[0]!.body)).toMatchObject({
        tenant: "acme",
        title: "Drift in tenant acme: 1 finding(s)",
      });
      expect(first.stderr).toMatch(
        /"step":"notify:siem","event":"drift-found","outcome":"succeeded"/,
      );

      const again = await drift(drifted.dir);
      expect(again.code).toBe(1);
      expect(hook.posts).toHaveLength(1);
      expect(again.stderr).toMatch(/"outcome":"skipped"/);

      const resolved = await drift(clean.dir);
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(hook.posts.map((p) => (JSON.parse(p.body) as { event: string }).event)).toEqual([
        "drift-found",
        "drift-resolved",
      ]);
    } finally {
      drifted.remove();
      clean.remove();
      work.remove();
    }
  });

  it("keeps drift's exit status when the receiver cannot be reached, and logs the failure", async () => {
    const tree = policyTree({ "acme.yaml": tenantYaml(true) });
    try {
      const run = await runCli(
        ["drift", tree.dir, "--format", "json", "--no-assume-role", "--notify"],
        {
          cwd: tree.dir,
          env: {
            AWS_ENDPOINT_URL: moto.endpoint,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            VAULTPILOT_NOTIFY_RETRY_DELAY_MS: "1",
            // No CA: the receiver's certificate is not trusted.
            VAULTPILOT_NOTIFY_SIEMURL: `${hook.url}/vaultpilot`,
            VAULTPILOT_NOTIFY_SIEMKEY: KEY,
          },
        },
      );
      expect(run.code).toBe(1);
      expect(hook.posts).toEqual([]);
      expect(run.stderr).toMatch(/"step":"notify:siem","event":"drift-found","outcome":"failed"/);
    } finally {
      tree.remove();
    }
  });
});

describe("notices from drift findings and report results", () => {
  const finding = (check: Finding["check"], resource = "vaultpilot/acme/orders-db"): Finding => ({
    tenant: "acme",
    resource,
    check,
    expected: "x",
    actual: "y",
    severity: "error",
  });

  it("sends rotation-overdue per secret apart from the tenant's drift", () => {
    const { notices, state } = driftNotices(
      ["acme", "globex"],
      [
        finding("rotation-overdue"),
        finding("rotation-enabled", "vaultpilot/acme/api-key"),
        finding("secret-key"),
      ],
      { globex: "0123456789abcdef" },
      "2026-12-07T12:00:00.000Z",
    );
    expect(notices.map((n) => [n.event, n.tenant, n.secret])).toEqual([
      ["drift-found", "acme", undefined],
      ["rotation-overdue", "acme", "orders-db"],
      ["rotation-overdue", "acme", "api-key"],
      ["drift-resolved", "globex", undefined],
    ]);
    expect(notices[2]!.title).toBe("Rotation of acme/api-key is turned off");
    expect(state.globex).toBeNull();
    expect(state.acme).toMatch(/^[0-9a-f]{16}$/);
  });

  it("groups failing controls per tenant and framework", () => {
    const result = (tenant: string, control: string, status: "pass" | "fail") => ({
      framework: "pci-dss" as const,
      control,
      check: "rotation-interval",
      tenant,
      resource: `${tenant}/orders-db`,
      status,
      observed: "365d",
      evidence: { kind: "static" as const, observedAt: "2026-12-07T12:00:00Z" },
    });
    const report = {
      results: [
        result("acme", "8.3.9", "fail"),
        result("acme", "8.6.3", "fail"),
        result("globex", "8.3.9", "pass"),
      ],
    } as unknown as Report;
    const notices = reportNotices(report);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      event: "report-failing",
      tenant: "acme",
      title: "Compliance report for acme: 2 pci-dss control(s) failing",
    });
  });
});
