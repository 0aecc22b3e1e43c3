import {
  CancelRotateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  CreateSecretCommand,
  RotateSecretCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { CreateKeyCommand, ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, test } from "vitest";
import { validatePolicies } from "../../program/validate.js";
import type { PolicyModel } from "../../program/model.js";
import { runCli } from "../support/cli.js";
import { freePort, startMoto, type MotoServer } from "../support/moto.js";
import { policyTree } from "../support/policy-tree.js";
import { motoEnv } from "./moto-accounts.js";
import { seedFromPlan, type PlanResource, type Seeded } from "./seed-from-plan.js";
import { readLive } from "../../actions/drift/drift-command.js";
import { expectedState } from "../../cloud/aws/expected.js";
import { DRIFT_READER_ACTIONS } from "../../cloud/aws/drift-reader-policy.js";

const CANARY = "canary-7f3c9a1e-do-not-print";
const HOUR = 3_600_000;

interface DriftJson {
  findings: {
    tenant: string;
    resource: string;
    check: string;
    expected: string;
    actual: string;
    severity: string;
  }[];
  summary: Record<string, unknown>;
}

let moto: MotoServer;
let plan: PlanResource[];
let model: PolicyModel;
let seeded: Seeded;

beforeAll(async () => {
  moto = await startMoto();
  // What the program deploys, from its own resource inputs (every tenant, every stack).
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

async function drift(args: string[] = [], env: Record<string, string> = {}) {
  const run = await runCli(["drift", "policies", "--format", "json", ...args], {
    env: { ...motoEnv(moto.endpoint), ...env },
  });
  return { ...run, json: run.code === 2 ? undefined : (JSON.parse(run.stdout) as DriftJson) };
}

function only(json: DriftJson | undefined) {
  expect(json?.findings).toHaveLength(1);
  const [f] = json!.findings;
  return { tenant: f!.tenant, resource: f!.resource, check: f!.check, severity: f!.severity };
}

async function secretSdk(name: string) {
  const secret = seeded.secrets.get(name)!;
  return { secret, sdk: await seeded.sdk(secret.tenant) };
}

describe("vaultpilot drift against what the program deploys", () => {
  test("reports no drift right after the program's resources are seeded", async () => {
    const { code, json, stderr } = await drift();
    expect(stderr).toBe("");
    expect(json?.findings).toEqual([]);
    expect(json?.summary).toMatchObject({ tenants: 4, secrets: 13, accounts: 4, findings: 0 });
    expect(code).toBe(0);
  });

  test("reports disabled rotation as one rotation-enabled error", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/orders-db");
    await sdk.secrets.send(new CancelRotateSecretCommand({ SecretId: secret.arn }));
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "acme",
      resource: secret.name,
      check: "rotation-enabled",
      severity: "error",
    });
    expect(code).toBe(1);
  });

  test("reports a secret switched to another key as one secret-key error", async () => {
    const { secret, sdk } = await secretSdk(`vaultpilot/globex/${firstSecretOf("globex")}`);
    const { KeyMetadata } = await sdk.kms.send(new CreateKeyCommand({}));
    await sdk.secrets.send(
      new UpdateSecretCommand({ SecretId: secret.arn, KmsKeyId: KeyMetadata!.Arn! }),
    );
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "globex",
      resource: secret.name,
      check: "secret-key",
      severity: "error",
    });
    expect(json!.findings[0]!.actual).toBe(KeyMetadata!.Arn);
    expect(code).toBe(1);
  });

  test("reports a removed tag as one secret-tags warning", async () => {
    const { secret, sdk } = await secretSdk(`vaultpilot/initech/${firstSecretOf("initech")}`);
    await sdk.secrets.send(
      new UntagResourceCommand({ SecretId: secret.arn, TagKeys: ["vaultpilot:schedule"] }),
    );
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "initech",
      resource: secret.name,
      check: "secret-tags",
      severity: "warning",
    });
    expect(json!.findings[0]!.actual).toBe("vaultpilot:schedule missing");
    expect(code).toBe(1);
  });

  test("reports a deleted secret as one secret-exists error", async () => {
    const { secret, sdk } = await secretSdk(`vaultpilot/umbrella/${firstSecretOf("umbrella")}`);
    await sdk.secrets.send(
      new DeleteSecretCommand({ SecretId: secret.arn, ForceDeleteWithoutRecovery: true }),
    );
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "umbrella",
      resource: secret.name,
      check: "secret-exists",
      severity: "error",
    });
    expect(json!.findings[0]!.actual).toBe("missing");
    expect(code).toBe(1);
  });

  test("reports a secret scheduled for deletion as one secret-exists error", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/payments-db");
    await sdk.secrets.send(
      new DeleteSecretCommand({ SecretId: secret.arn, RecoveryWindowInDays: 7 }),
    );
    const { json } = await drift();
    expect(only(json)).toEqual({
      tenant: "acme",
      resource: secret.name,
      check: "secret-exists",
      severity: "error",
    });
    expect(json!.findings[0]!.actual).toMatch(/^scheduled for deletion/);
  });

  test("reports a tenant key scheduled for deletion as one key-pending-deletion error", async () => {
    const sdk = await seeded.sdk("acme");
    await sdk.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: seeded.keys.get("acme")!, PendingWindowInDays: 7 }),
    );
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "acme",
      resource: "alias/vaultpilot/acme",
      check: "key-pending-deletion",
      severity: "error",
    });
    expect(code).toBe(1);
  });

  test("reports a secret no policy declares as one unmanaged-secret warning", async () => {
    const sdk = await seeded.sdk("globex");
    await sdk.secrets.send(
      new CreateSecretCommand({ Name: "vaultpilot/globex/legacy-token", SecretString: CANARY }),
    );
    // Not VaultPilot's: neither tagged nor named vaultpilot/…, so never reported.
    await sdk.secrets.send(
      new CreateSecretCommand({ Name: "someone-else/db", SecretString: CANARY }),
    );
    const { code, json } = await drift();
    expect(only(json)).toEqual({
      tenant: "globex",
      resource: "vaultpilot/globex/legacy-token",
      check: "unmanaged-secret",
      severity: "warning",
    });
    expect(code).toBe(1);
  });

  test("reports an AWSPENDING version older than --stuck-after as one rotation-stuck error", async () => {
    const { secret, sdk } = await secretSdk(`vaultpilot/globex/${firstSecretOf("globex")}`);
    // A rotation that starts and never finishes: moto invokes nothing, so AWSPENDING stays.
    const { RotationLambdaARN } = await sdk.secrets.send(
      new DescribeSecretCommand({ SecretId: secret.arn }),
    );
    await sdk.secrets.send(new RotateSecretCommand({ SecretId: secret.arn, RotationLambdaARN }));
    const now = await drift(["--stuck-after", "24"]);
    expect(now.json?.findings).toEqual([]);
    const later = await drift([
      "--stuck-after",
      "24",
      "--at",
      new Date(Date.now() + 25 * HOUR).toISOString(),
    ]);
    expect(only(later.json)).toEqual({
      tenant: "globex",
      resource: secret.name,
      check: "rotation-stuck",
      severity: "error",
    });
    expect(later.code).toBe(1);
  });

  test("reports exactly the rotations older than schedule + window + grace as rotation-overdue errors", async () => {
    // Given every secret's last rotation as moto reports it, and a time 12 h (the grace) and
    // 500 ms past the weekly acme/webhook-signing's deadline (no waiting on the clock: the
    // expected set is computed from the reported dates and the policies' schedules).
    const { secret } = await secretSdk("vaultpilot/acme/webhook-signing");
    const schedules = new Map(
      expectedState(model).flatMap((tenant) => tenant.secrets.map((s) => [s.name, s.rotation])),
    );
    const last = new Map<string, number>();
    for (const seededSecret of seeded.secrets.values()) {
      const sdk = await seeded.sdk(seededSecret.tenant);
      const described = await sdk.secrets.send(
        new DescribeSecretCommand({ SecretId: seededSecret.arn }),
      );
      last.set(seededSecret.name, described.LastRotatedDate!.getTime());
    }
    const grace = 12 * HOUR;
    const at = last.get(secret.name)! + 7 * 24 * HOUR + grace + 500;
    const overdue = [...last]
      .filter(([name, time]) => {
        const rotation = schedules.get(name)!;
        const windowHours = rotation.window?.durationHours ?? 0;
        return time + rotation.everyDays * 24 * HOUR + windowHours * HOUR + grace < at;
      })
      .map(([name]) => name)
      .sort();
    expect(overdue).toContain(secret.name);
    expect(overdue.length).toBeLessThan(last.size);

    // When drift evaluates at that time
    const { code, json } = await drift(["--grace", "12", "--at", new Date(at).toISOString()]);

    // Then exactly those are overdue, and nothing else is reported
    expect(json!.findings.every((f) => f.check === "rotation-overdue")).toBe(true);
    expect(json!.findings.map((f) => f.resource).sort()).toEqual(overdue);
    expect(code).toBe(1);
  });

  test("--deep reports a secret whose resource policy was removed, which the default run does not check", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/stripe-api-key");
    await sdk.secrets.send(new DeleteResourcePolicyCommand({ SecretId: secret.arn }));
    expect((await drift()).json?.findings).toEqual([]);
    const { code, json } = await drift(["--deep"]);
    expect(only(json)).toEqual({
      tenant: "acme",
      resource: secret.name,
      check: "secret-resource-policy",
      severity: "warning",
    });
    expect(code).toBe(1);
  });

  test("--stack checks only the tenants its Pulumi.<stack>.yaml selects", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/orders-db");
    await sdk.secrets.send(new CancelRotateSecretCommand({ SecretId: secret.arn }));
    const dev = await drift(["--stack", "dev"]);
    expect(dev.json?.summary).toMatchObject({ stack: "dev", tenants: 1, findings: 0 });
    expect(dev.code).toBe(0);
    const prod = await drift(["--stack", "prod"]);
    expect(prod.json?.summary).toMatchObject({ stack: "prod", tenants: 3, findings: 1 });
  });

  test("never prints a secret's value, in any format", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/orders-db");
    await sdk.secrets.send(new CancelRotateSecretCommand({ SecretId: secret.arn }));
    for (const format of ["text", "json", "markdown", "sarif"]) {
      const run = await runCli(["drift", "policies", "--deep", "--format", format], {
        env: motoEnv(moto.endpoint),
      });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).not.toContain(CANARY);
    }
  });

  test("exits 2 with one line when moto refuses the credentials", async () => {
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "0" });
    try {
      const { code, stdout, stderr } = await drift([], {
        AWS_ACCESS_KEY_ID: "AKIAWRONGWRONGWRONG1",
        AWS_SECRET_ACCESS_KEY: "wrong",
      });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(
        /^vaultpilot drift: could not check: .*credentials refused \(InvalidClientTokenId/,
      );
    } finally {
      await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "inf" });
    }
  });

  test("exits 2 with one line when the endpoint is unreachable", async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await drift(["--concurrency", "2"], {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^vaultpilot drift: could not check: .*endpoint unreachable \(.*ECONNREFUSED/,
    );
  });

  test("exits 2, not 0, when the policies do not validate", async () => {
    const tree = policyTree({
      "bad.yaml": "apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata: { name: x }\n",
    });
    try {
      const { code, stdout, stderr } = await runCli(["drift", tree.dir, "--format", "json"], {
        env: motoEnv(moto.endpoint),
      });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        /^vaultpilot drift: could not check: the policies in .* have \d+ error\(s\); run vaultpilot validate/,
      );
    } finally {
      tree.remove();
    }
  });
});

describe("the live-state reader", () => {
  async function readAcme(options: { deep?: boolean } = {}) {
    const calls: string[] = [];
    const tenants = expectedState(model, new Set(["acme"]));
    const live = await readLive(
      tenants,
      { deep: options.deep ?? false, concurrency: 4 },
      {
        env: motoEnv(moto.endpoint),
        installation: "test",
        onCall: (service, op) => calls.push(`${service}:${op.replace(/Command$/, "")}`),
      },
      { stdout: () => {}, stderr: () => {}, isTTY: false, cwd: process.cwd(), env: {} },
    );
    const counts: Record<string, number> = {};
    for (const call of calls) counts[call] = (counts[call] ?? 0) + 1;
    return { live, counts };
  }

  test("reads with one ListSecrets call per 100 secrets, ListAliases pages and two calls per tenant key", async () => {
    const sdk = await seeded.sdk("acme");
    for (let i = 0; i < 120; i++) {
      await sdk.secrets.send(
        new CreateSecretCommand({ Name: `app/other-${i}`, SecretString: CANARY }),
      );
    }
    const { live, counts } = await readAcme();
    expect(live[0]!.secrets).toHaveLength(125);
    expect(counts).toEqual({
      "sts:AssumeRole": 1,
      "secretsmanager:ListSecrets": 2,
      "kms:ListAliases": 1,
      "kms:DescribeKey": 1,
      "kms:GetKeyRotationStatus": 1,
    });
  });

  test("takes a closer look only at a secret with a rotation in progress, and --deep reads each resource policy", async () => {
    const { secret, sdk } = await secretSdk("vaultpilot/acme/orders-db");
    const { RotationLambdaARN } = await sdk.secrets.send(
      new DescribeSecretCommand({ SecretId: secret.arn }),
    );
    await sdk.secrets.send(new RotateSecretCommand({ SecretId: secret.arn, RotationLambdaARN }));
    const plain = await readAcme();
    expect(plain.counts["secretsmanager:ListSecretVersionIds"]).toBe(1);
    expect(plain.counts["secretsmanager:DescribeSecret"]).toBeUndefined();
    expect(
      plain.live[0]!.secrets.find((s) => s.name === secret.name)!.pendingCreated,
    ).toBeInstanceOf(Date);
    const deep = await readAcme({ deep: true });
    expect(deep.counts["secretsmanager:GetResourcePolicy"]).toBe(5);
  });

  test("calls nothing the DriftReaderRole does not allow", async () => {
    const { counts } = await readAcme({ deep: true });
    const allowed = new Set<string>(Object.values(DRIFT_READER_ACTIONS).flat());
    for (const call of Object.keys(counts).filter((c) => !c.startsWith("sts:")))
      expect(allowed).toContain(call);
  });

  test("draws a progress bar on a terminal only", async () => {
    const tty = await runCli(["drift", "policies", "--format", "json"], {
      env: motoEnv(moto.endpoint),
      isTTY: true,
    });
    expect(tty.stderr).toMatch(/\[#+\] 4\/4 accounts · 13 secrets · 4 keys/);
    const pipe = await runCli(["drift", "policies", "--format", "json"], {
      env: motoEnv(moto.endpoint),
    });
    expect(pipe.stderr).toBe("");
  });
});

describe("vaultpilot drift --help", () => {
  test("says which checks --deep adds and what they cost, and the exit codes", async () => {
    const help = await runCli(["drift", "--help"]);
    expect(help.stdout).toContain("--deep");
    expect(help.stdout).toContain(
      "--deep adds one call per secret: its resource policy must deny other tenants.",
    );
    expect(help.stdout).toContain(
      "Exit status:\n  0  no drift\n  1  drift found\n  2  could not check:",
    );
  });
});

function firstSecretOf(tenant: string): string {
  return model.tenants.find((t) => t.name === tenant)!.secrets[0]!.name;
}
