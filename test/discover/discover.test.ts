import { cpSync, readdirSync, readFileSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAliasCommand, CreateKeyCommand } from "@aws-sdk/client-kms";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { validatePolicies } from "../../program/validate.js";
import type { PolicyModel } from "../../program/model.js";
import { runCli } from "../support/cli.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { accountSdk, motoEnv } from "../drift/moto-accounts.js";
import { seedFromPlan, type PlanResource } from "../drift/seed-from-plan.js";

const CANARY = "canary-discover-5b1d-never-printed";

let moto: MotoServer;
let plan: PlanResource[];
let model: PolicyModel;
let out: string;

beforeAll(async () => {
  moto = await startMoto();
  const planned = await runCli(["plan", "policies", "--format", "json"]);
  plan = (JSON.parse(planned.stdout) as { resources: PlanResource[] }).resources;
  model = validatePolicies("policies").model!;
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await moto.configure({ lambda: { use_docker: false } });
  out = mkdtempSync(join(tmpdir(), "vaultpilot-discover-"));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** Credentials of one moto account, as a user who switched to it would have. */
async function accountEnv(account: string, region: string): Promise<Record<string, string>> {
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/admin`,
      RoleSessionName: "discover",
    }),
  );
  sts.destroy();
  return {
    ...motoEnv(moto.endpoint),
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: c!.AccessKeyId!,
    AWS_SECRET_ACCESS_KEY: c!.SecretAccessKey!,
    AWS_SESSION_TOKEN: c!.SessionToken!,
  };
}

function written(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) =>
    e.isFile(),
  );
  return files.map((e) => readFileSync(join(e.parentPath, e.name), "utf8")).join("\n");
}

describe("vaultpilot discover", () => {
  test("adopts a deployed tenant into policies that validate and leave drift nothing unmanaged", async () => {
    const seeded = await seedFromPlan(moto.endpoint, plan, model, { value: CANARY });
    seeded.destroy();
    const env = await accountEnv("111111111111", "us-east-1");
    const run = await runCli(["discover", "--out", out], { env });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(
      /^adopted 5 secret\(s\) of 1 tenant\(s\) into .* \(\d file\(s\)\); validates\n$/,
    );
    expect(run.code).toBe(0);

    const validation = validatePolicies(out);
    expect(validation.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(new Set(validation.diagnostics.map((d) => d.rule))).toEqual(
      new Set(["secret-without-consumers"]),
    );
    const acme = validation.model!.tenants[0]!;
    expect(acme).toMatchObject({
      name: "acme",
      aws: { account: "111111111111", region: "us-east-1" },
    });
    // Types and schedules come from the tags the program set.
    expect(
      acme.secrets
        .map((s) => `${s.name}:${s.type}:${s.schedule.name}:${s.schedule.everyDays}`)
        .sort(),
    ).toEqual(
      model.tenants
        .find((t) => t.name === "acme")!
        .secrets.map((s) => `${s.name}:${s.type}:${s.schedule.name}:${s.schedule.everyDays}`)
        .sort(),
    );

    const drift = await runCli(["drift", out, "--format", "json"], { env: motoEnv(moto.endpoint) });
    const findings = (JSON.parse(drift.stdout) as { findings: { check: string }[] }).findings;
    expect(findings.filter((f) => f.check === "unmanaged-secret")).toEqual([]);
    expect(written(out)).not.toContain(CANARY);
    expect(run.stdout + drift.stdout + drift.stderr).not.toContain(CANARY);
  });

  test("guesses types from names, marks guesses for review, adopts a tenant known only by its key, skips what it cannot adopt", async () => {
    const sdk = await accountSdk(moto.endpoint, "555555555555", "eu-central-1");
    const secret = (Name: string, Tags: Record<string, string> = {}) =>
      sdk.secrets.send(
        new CreateSecretCommand({
          Name,
          SecretString: CANARY,
          Tags: Object.entries(Tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    await secret("vaultpilot/beta/orders-postgres");
    await secret("vaultpilot/beta/stripe-api-key", { "vaultpilot:tenant": "beta" });
    await secret("legacy-billing", { "vaultpilot:tenant": "beta" });
    await secret("someone-else/db");
    const { KeyMetadata } = await sdk.kms.send(new CreateKeyCommand({}));
    await sdk.kms.send(
      new CreateAliasCommand({
        AliasName: "alias/vaultpilot/gamma",
        TargetKeyId: KeyMetadata!.KeyId!,
      }),
    );
    sdk.destroy();

    const env = await accountEnv("555555555555", "eu-central-1");
    const run = await runCli(["discover", "--region", "eu-central-1", "--out", out], { env });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "vaultpilot discover: skipped legacy-billing: not named vaultpilot/beta/<name>: the program manages only that name; copy it to one and delete the old secret\n",
    );
    const beta = readFileSync(join(out, "tenants/beta/discovered.yaml"), "utf8");
    expect(beta).toContain(
      '# review (adopted from vaultpilot/beta/orders-postgres): type "postgres" guessed from the name; no rotation configured: schedule "every-90d" is a default;',
    );
    expect(beta).toContain(
      "  name: stripe-api-key\n  tenant: beta\nspec:\n  type: api-key\n  schedule: every-90d\n",
    );
    expect(readFileSync(join(out, "tenants/gamma/discovered.yaml"), "utf8")).toContain(
      "kind: Tenant\nmetadata:\n  name: gamma\n",
    );
    expect(readFileSync(join(out, "schedules.discovered.yaml"), "utf8")).toContain(
      "  name: every-90d\nspec:\n  every: 90d\n",
    );
    expect(written(out)).not.toContain("someone-else");
    expect(validatePolicies(out).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(written(out) + run.stdout + run.stderr).not.toContain(CANARY);
  });

  test("with --policies, skips what they declare and reuses their schedules", async () => {
    const seeded = await seedFromPlan(moto.endpoint, plan, model, { value: CANARY });
    const sdk = await seeded.sdk("acme");
    await sdk.secrets.send(
      new CreateSecretCommand({
        Name: "vaultpilot/acme/reporting-db",
        SecretString: CANARY,
        Tags: [{ Key: "vaultpilot:type", Value: "postgres" }],
      }),
    );
    seeded.destroy();
    const env = await accountEnv("111111111111", "us-east-1");
    const run = await runCli(["discover", "--policies", "policies", "--out", out], { env });
    expect(run.stdout).toMatch(/^adopted 1 secret\(s\) of 1 tenant\(s\)/);
    expect(run.code).toBe(0);
    const acme = readFileSync(join(out, "tenants/acme/discovered.yaml"), "utf8");
    expect(acme).not.toContain("kind: Tenant");
    expect(acme).toContain(
      "  name: reporting-db\n  tenant: acme\nspec:\n  type: postgres\n  schedule: quarterly\n",
    );
    expect(readdirSync(out)).toEqual(["tenants"]);
  });

  test("never replaces a file without --force, and refuses a folder whose policies would then conflict", async () => {
    const seeded = await seedFromPlan(moto.endpoint, plan, model, { value: CANARY });
    seeded.destroy();
    const env = await accountEnv("111111111111", "us-east-1");
    expect((await runCli(["discover", "--out", out], { env })).code).toBe(0);
    const first = written(out);

    // Given the files exist: a second run without --force changes nothing
    const again = await runCli(["discover", "--out", out], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^vaultpilot discover: .*tenants\/acme\/discovered\.yaml.* already exist; pass --force to replace them \(nothing was written\)\n$/,
    );
    expect(written(out)).toBe(first);
    expect((await runCli(["discover", "--out", out, "--force"], { env })).code).toBe(0);

    // Given a policy folder that already declares tenant acme: adopting into it would leave a
    // second Tenant acme behind, so nothing is written there.
    const repo = mkdtempSync(join(tmpdir(), "vaultpilot-discover-repo-"));
    try {
      cpSync("policies", repo, { recursive: true });
      const before = readdirSync(repo, { recursive: true }).sort();
      const into = await runCli(["discover", "--out", repo], { env });
      expect(into.code).toBe(2);
      expect(into.stderr).toMatch(
        /^vaultpilot discover: writing into .* would leave a duplicate: .*discovered\.yaml:\d+:\d+ .*; adopt into an empty folder, or pass --policies .*\(nothing was written\)\n$/,
      );
      expect(readdirSync(repo, { recursive: true }).sort()).toEqual(before);

      // With --policies naming that folder, what it declares is skipped: nothing conflicts.
      const known = await runCli(["discover", "--out", repo, "--policies", repo], { env });
      expect(known.code, known.stderr).toBe(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("writes nothing and exits 0 on an account with nothing to adopt", async () => {
    const target = join(out, "new-dir");
    const run = await runCli(["discover", "--out", target], { env: motoEnv(moto.endpoint) });
    expect(run.stdout).toMatch(
      /^adopted 0 secret\(s\) of 0 tenant\(s\) into .* \(0 file\(s\)\); validates\n$/,
    );
    expect(run.code).toBe(0);
    expect(readdirSync(target)).toEqual([]);
  });

  test("exits 2 with one line when the endpoint is unreachable", async () => {
    const run = await runCli(["discover", "--out", out], {
      env: { ...motoEnv("http://127.0.0.1:9"), AWS_MAX_ATTEMPTS: "1" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^vaultpilot discover: cannot identify the account: endpoint unreachable/,
    );
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
