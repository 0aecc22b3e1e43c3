import { CancelRotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { readLive } from "../../actions/drift/drift-command.js";
import { expectedState } from "../../cloud/aws/expected.js";
import { readLiveTenants } from "../../actions/report/live.js";
import type { Report, ReportResult } from "../../actions/report/result.js";
import type { PolicyModel } from "../../program/model.js";
import { validatePolicies } from "../../program/validate.js";
import { motoEnv } from "../drift/moto-accounts.js";
import { seedFromPlan, type PlanResource, type Seeded } from "../drift/seed-from-plan.js";
import { runCli } from "../support/cli.js";
import { freePort, startMoto, type MotoServer } from "../support/moto.js";

const CANARY = "canary-5d1e-report-must-not-print";
const DAY = 86_400_000;

let moto: MotoServer;
let plan: PlanResource[];
let model: PolicyModel;
let seeded: Seeded;

beforeAll(async () => {
  moto = await startMoto();
  const planned = await runCli(["plan", "policies", "--format", "json"]);
  expect(planned.code, planned.stderr).toBe(0);
  plan = (JSON.parse(planned.stdout) as { resources: PlanResource[] }).resources;
  model = validatePolicies("policies").model!;
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await moto.configure({ lambda: { use_docker: false } });
  seeded = await seedFromPlan(moto.endpoint, plan, model, { value: CANARY });
});
afterEach(() => seeded?.destroy());

async function report(args: string[], env: Record<string, string> = {}) {
  const run = await runCli(["report", "policies", "--live", "--format", "json", ...args], {
    env: { ...motoEnv(moto.endpoint), ...env },
  });
  const json = run.stdout.startsWith("{") ? (JSON.parse(run.stdout) as Report) : undefined;
  return { ...run, json };
}

const live = (json: Report | undefined, check: string, tenant?: string): ReportResult[] =>
  (json?.results ?? []).filter(
    (r) => r.check === check && (tenant === undefined || r.tenant === tenant),
  );

describe("vaultpilot report --live against what the program deploys in moto", () => {
  test("right after seeding, every live check passes for every tenant, and no value is printed", async () => {
    const { json, stdout, stderr } = await report(["--framework", "fsbp"]);
    const results = json!.results.filter((r) => r.evidence.kind === "live");
    expect(new Set(results.map((r) => r.check))).toEqual(
      new Set([
        "secret-rotation-enabled",
        "secret-rotated-within",
        "secret-unused",
        "key-rotation-enabled",
        "key-not-pending-deletion",
      ]),
    );
    expect(results.filter((r) => r.status !== "pass")).toEqual([]);
    // 13 secrets × 4 secret checks (SecretsManager.4 and .1 each once) + 4 keys × 2 key checks.
    expect(live(json, "secret-rotation-enabled")).toHaveLength(13);
    expect(live(json, "key-rotation-enabled")).toHaveLength(4);
    expect(stdout + stderr).not.toContain(CANARY);
  });

  test("a secret whose rotation was turned off fails SecretsManager.1 for its tenant, with its ARN and the observation", async () => {
    const secret = seeded.secrets.get("vaultpilot/acme/orders-db")!;
    const sdk = await seeded.sdk("acme");
    await sdk.secrets.send(new CancelRotateSecretCommand({ SecretId: secret.arn }));
    const before = Date.now();
    const { json, code } = await report(["--framework", "fsbp"]);
    const failing = live(json, "secret-rotation-enabled").filter((r) => r.status === "fail");
    expect(failing).toEqual([
      {
        framework: "fsbp",
        control: "SecretsManager.1",
        check: "secret-rotation-enabled",
        tenant: "acme",
        resource: secret.arn,
        status: "fail",
        observed: "RotationEnabled: false",
        evidence: { kind: "live", observedAt: expect.any(String) },
      },
    ]);
    expect(Date.parse(failing[0]!.evidence.observedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(
      json!.summary.frameworks[0]!.detail.find((c) => c.id === "SecretsManager.1")!.status,
    ).toBe("fail");
    expect(code).toBe(1);
  });

  test("a tenant key scheduled for deletion fails KMS.3 and KMS.4 with the key's ARN", async () => {
    const sdk = await seeded.sdk("globex");
    const keyId = seeded.keys.get("globex")!;
    await sdk.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const { json } = await report(["--framework", "fsbp", "--tenant", "globex"]);
    const [pending] = live(json, "key-not-pending-deletion");
    expect(pending).toMatchObject({ control: "KMS.3", status: "fail", tenant: "globex" });
    expect(pending!.resource).toMatch(new RegExp(`:key/${keyId}$`));
    expect(pending!.observed).toMatch(/^KeyState: PendingDeletion, deletion on \d{4}-/);
    expect(live(json, "key-rotation-enabled")[0]).toMatchObject({
      control: "KMS.4",
      status: "fail",
      observed: "KeyState PendingDeletion: rotation status not readable",
    });
  });

  test("evaluated 200 days later, every secret is overdue (SecretsManager.4) and unused (SecretsManager.3)", async () => {
    const at = new Date(Date.now() + 200 * DAY).toISOString();
    const { json } = await report(["--framework", "fsbp", "--tenant", "initech", "--at", at]);
    const [rotated] = live(json, "secret-rotated-within");
    expect(rotated).toMatchObject({ control: "SecretsManager.4", status: "fail" });
    expect(rotated!.observed).toMatch(
      /^LastRotatedDate .*, 200 days before .* \(bound: 90 days\)$/,
    );
    // moto never sets LastAccessedDate, so the age counts from creation.
    const [unused] = live(json, "secret-unused");
    expect(unused).toMatchObject({ control: "SecretsManager.3", status: "fail" });
    expect(unused!.observed).toMatch(/^never accessed; CreatedDate .*, 200 days before/);
  });

  test("when the reader cannot reach the accounts, live results are error, static results still come, and the exit is 2", async () => {
    const port = await freePort();
    const { json, code, stderr } = await report(["--framework", "fsbp", "--concurrency", "2"], {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(2);
    const errors = json!.results.filter((r) => r.status === "error");
    expect(errors.length).toBe(4 * 5); // each tenant × each live check
    expect(errors[0]!.observed).toMatch(/^could not read the account: .*endpoint unreachable/);
    expect(errors[0]!.resource).toMatch(/^\d{12}\/[a-z0-9-]+$/);
    expect(json!.results.some((r) => r.evidence.kind === "static" && r.status === "pass")).toBe(
      true,
    );
    expect(stderr).toMatch(/some controls could not be checked\n$/);
  });
});

describe("the report's live reading", () => {
  test("makes exactly the AWS calls drift makes for the same tenants", async () => {
    const count = () => {
      const calls: Record<string, number> = {};
      return {
        calls,
        onCall: (service: string, op: string) => {
          const key = `${service}:${op}`;
          calls[key] = (calls[key] ?? 0) + 1;
        },
      };
    };
    const env = motoEnv(moto.endpoint);
    const drift = count();
    await readLive(
      expectedState(model),
      { deep: false, concurrency: 4 },
      { env, installation: "default", onCall: drift.onCall },
      { stdout: () => {}, stderr: () => {}, isTTY: false, cwd: process.cwd(), env: {} },
    );
    const report = count();
    const tenants = await readLiveTenants(
      model.tenants,
      { env, installation: "default", onCall: report.onCall },
      4,
    );
    expect(report.calls).toEqual(drift.calls);
    expect(report.calls["secretsmanager:ListSecretsCommand"]).toBe(4);
    expect([...tenants.values()].every((t) => !("error" in t))).toBe(true);
  });
});
