import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

interface PlanJson {
  scope: { mode: string; reason?: string; planned: number; unchanged: string[] };
  resources: {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, unknown>;
  }[];
  changes: {
    create: { urn: string; type: string; name: string }[];
    update: {
      urn: string;
      type: string;
      name: string;
      changes: { path: string; before?: unknown; after?: unknown }[];
    }[];
    delete: { urn: string; type: string; name: string }[];
  };
  impact: {
    tenants: string[];
    rotations: {
      tenant: string;
      secret: string;
      change: string;
      before?: string;
      after?: string;
    }[];
    services: { tenant: string; service: string; action: string; reasons: string[] }[];
    secrets: { tenant: string; secret: string; change: string }[];
  };
}

let project: string;
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd: project,
  });
const edit = (file: string, change: (text: string) => string) => {
  const path = join(project, "policies", file);
  writeFileSync(path, change(readFileSync(path, "utf8")));
};
const planJson = async (...args: string[]) => {
  const r = await runCli(["plan", "policies", "--format", "json", ...args], { cwd: project });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PlanJson;
};
const names = (list: { type: string; name: string }[]) =>
  list.map((r) => `${r.type} ${r.name}`).sort();

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), "vaultpilot-plan-"));
  cpSync("policies", join(project, "policies"), { recursive: true });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "policies");
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

describe("vaultpilot plan", { timeout: 120_000 }, () => {
  it("lists the resources the example policies produce, as text and json", async () => {
    const text = await runCli(["plan", "policies"], { cwd: project });
    const json = await planJson();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^VaultPilot plan for stack default: \d+ to create, 0 to update, 0 to delete/,
    );
    expect(text.stdout).toContain("+ aws:kms/key:Key acme-key\n");
    expect(json.resources.length).toBe(json.changes.create.length);
    expect(Object.keys(json.resources[0]!).sort()).toEqual(["inputs", "name", "type", "urn"]);
    const child = json.resources.find((r) => r.name === "acme-key")!;
    expect(child).toMatchObject({
      urn: "urn:pulumi:default::vaultpilot::vaultpilot:aws:TenantKey$aws:kms/key:Key::acme-key",
      parent: "urn:pulumi:default::vaultpilot::vaultpilot:aws:TenantKey::acme",
    });
  });

  it("with --base, shows a new secret: its resources, access for its consumer, and the impact", async () => {
    edit("tenants/initech/secrets.yaml", (t) =>
      t.concat(
        "\n---\napiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: fax-api-key\n  tenant: initech\nspec:\n  type: api-key\n  schedule: quarterly\n  consumers: [tps-reports]\n",
      ),
    );
    const plan = await planJson("--base", "HEAD");
    expect(names(plan.changes.create)).toEqual(
      expect.arrayContaining([
        "aws:secretsmanager/secret:Secret initech/fax-api-key-secret",
        "aws:secretsmanager/secretRotation:SecretRotation initech/fax-api-key-rotation",
      ]),
    );
    expect(plan.changes.create.every((r) => r.name.startsWith("initech"))).toBe(true);
    expect(plan.changes.delete).toEqual([]);
    expect(plan.impact.tenants).toEqual(["initech"]);
    expect(plan.impact.secrets).toEqual([
      { tenant: "initech", secret: "fax-api-key", change: "create" },
    ]);
    expect(plan.impact.services).toEqual([
      expect.objectContaining({
        service: "tps-reports",
        action: "restart",
        reasons: expect.arrayContaining(["gains read access to fax-api-key"]),
      }),
    ]);
  });

  it("with --base, shows a schedule change as exactly the rotation and tag updates", async () => {
    edit("tenants/acme/secrets.yaml", (t) =>
      t.replace(
        "name: payments-db\n  tenant: acme\nspec:\n  type: mysql\n  schedule: quarterly",
        "name: payments-db\n  tenant: acme\nspec:\n  type: mysql\n  schedule: monthly",
      ),
    );
    const plan = await planJson("--base", "HEAD");
    expect(plan.changes.create).toEqual([]);
    expect(plan.changes.delete).toEqual([]);
    expect(names(plan.changes.update)).toEqual([
      "aws:secretsmanager/secret:Secret acme/payments-db-secret",
      "aws:secretsmanager/secretRotation:SecretRotation acme/payments-db-rotation",
    ]);
    const rotation = plan.changes.update.find((u) => u.name === "acme/payments-db-rotation")!;
    expect(rotation.changes).toEqual([
      { path: "rotationRules.automaticallyAfterDays", before: 90 },
      { path: "rotationRules.duration", after: "3h" },
      { path: "rotationRules.scheduleExpression", after: "cron(0 1 1/30 * ? *)" },
    ]);
    expect(plan.impact.rotations).toEqual([
      {
        tenant: "acme",
        secret: "payments-db",
        change: "update",
        before: "every 90 days",
        after:
          "every 30 days, window 01:00 UTC for 3h; cron(0 1 1/30 * ? *) runs up to 19 times a year, so no gap exceeds 30 days",
      },
    ]);
  });

  it("with --base, shows a new consumer as its access policy and the secret's policy, and in markdown", async () => {
    edit("tenants/acme/secrets.yaml", (t) =>
      t.replace("consumers: [ci-runner]", "consumers: [ci-runner, orders-api]"),
    );
    const plan = await planJson("--base", "HEAD");
    // The aws-iam-key rotation function now reloads orders-api too: its role may update that ECS
    // service, and its package's rotation-config.json lists the new reload target.
    expect(names(plan.changes.update)).toEqual([
      "aws:iam/rolePolicy:RolePolicy acme/aws-iam-key-rotation-policy",
      "aws:iam/rolePolicy:RolePolicy acme/orders-api-access-policy",
      "aws:lambda/function:Function acme/aws-iam-key-function",
      "aws:secretsmanager/secretPolicy:SecretPolicy acme/deploy-iam-key-policy",
    ]);
    const role = plan.changes.update.find((u) => u.name === "acme/aws-iam-key-rotation-policy");
    expect(JSON.stringify(role)).toContain(
      "arn:aws:ecs:us-east-1:111111111111:service/acme-prod/orders-api",
    );
    expect(plan.impact.services).toEqual([
      expect.objectContaining({
        tenant: "acme",
        service: "orders-api",
        action: "restart",
        reasons: ["gains read access to deploy-iam-key"],
      }),
    ]);
    const md = await runCli(["plan", "policies", "--base", "HEAD", "--format", "markdown"], {
      cwd: project,
    });
    expect(md.stdout).toContain(
      "### VaultPilot plan for stack default against HEAD: 0 to create, 4 to update, 0 to delete; tenants touched: acme",
    );
    expect(md.stdout).toContain(
      "| acme | orders-api | **restart** | gains read access to deploy-iam-key |",
    );
    expect(md.stdout).toContain("```mermaid\ngraph LR\n");
    expect(md.stdout).toContain("s_acme__deploy_iam_key --> v_acme__orders_api");
    expect(md.stdout).toContain("<details><summary>Resource changes (4)</summary>");
  });

  it("with --base, adding a tenant creates only that tenant's resources and changes no other", async () => {
    writeFileSync(
      join(project, "policies/tenants/hooli.yaml"),
      'apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: hooli\nspec:\n  plan: pro\n  aws: { account: "555555555555", region: us-east-1 }\n---\napiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: hooli-db\n  tenant: hooli\nspec:\n  type: postgres\n  schedule: monthly\n  consumers: [hooli-app]\n---\napiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: hooli-app\n  tenant: hooli\nspec:\n  runtime: ecs\n',
    );
    const plan = await planJson("--base", "HEAD");
    expect(plan.changes.update).toEqual([]);
    expect(plan.changes.delete).toEqual([]);
    expect(plan.changes.create.length).toBeGreaterThan(10);
    expect(
      plan.changes.create.every(
        (r) => r.name === "hooli" || r.name.startsWith("hooli-") || r.name.startsWith("hooli/"),
      ),
    ).toBe(true);
    expect(plan.impact.tenants).toEqual(["hooli"]);
  });

  it("reports nothing to change when the policies equal the base", async () => {
    const plan = await planJson("--base", "HEAD");
    expect(plan.changes).toEqual({ create: [], update: [], delete: [] });
  });

  it("with --base, plans only the tenant whose policies changed and reports the others unchanged", async () => {
    edit("tenants/acme/secrets.yaml", (t) => t.replace("schedule: weekly", "schedule: monthly"));
    const plan = await planJson("--base", "HEAD");
    expect(plan.scope).toEqual({
      mode: "incremental",
      planned: 1,
      unchanged: ["globex", "initech", "umbrella"],
    });
    expect(plan.impact.tenants).toEqual(["acme"]);
    expect(plan.changes.update.length).toBeGreaterThan(0);
    expect(new Set(plan.resources.map((r) => r.urn.split("::").at(-1)!.split(/[-/]/)[0]))).toEqual(
      new Set(["acme"]),
    );
    const text = await runCli(["plan", "policies", "--base", "HEAD"], { cwd: project });
    expect(text.stdout.split("\n")[0]).toMatch(
      /; tenants touched: acme; 3 other tenants unchanged \(not planned\); guardrails by /,
    );
  });

  it("with --base, plans the tenants that use a changed schedule, and only them", async () => {
    edit("schedules.yaml", (t) => t.replace("every: 7d", "every: 14d"));
    const plan = await planJson("--base", "HEAD");
    expect(plan.scope).toMatchObject({ mode: "incremental", unchanged: ["globex", "initech"] });
    expect(plan.impact.tenants).toEqual(["acme", "umbrella"]);
    const full = await planJson("--base", "HEAD", "--full");
    expect(full.scope).toMatchObject({ mode: "full", reason: "--full", unchanged: [] });
    expect(full.changes).toEqual(plan.changes);
    expect(full.impact).toEqual(plan.impact);
  });

  it("with --base, plans every tenant with the base's settings when the stack's settings changed", async () => {
    writeFileSync(
      join(project, "Pulumi.s.yaml"),
      "config:\n  vaultpilot:keyDeletionWindowDays: 30\n",
    );
    git("add", ".");
    git("commit", "-qm", "stack");
    writeFileSync(
      join(project, "Pulumi.s.yaml"),
      "config:\n  vaultpilot:keyDeletionWindowDays: 7\n",
    );
    const plan = await planJson("--base", "HEAD", "--stack", "s");
    expect(plan.scope).toEqual({
      mode: "full",
      reason: "the stack's settings (Pulumi.s.yaml) changed",
      planned: 4,
      unchanged: [],
    });
    expect(plan.changes.update.map((u) => u.name).sort()).toEqual([
      "acme-key",
      "globex-key",
      "initech-key",
      "umbrella-key",
      // umbrella declares a disaster-recovery region: its key's replica has the same window.
      "umbrella-replica-key",
    ]);
  });

  it("with --base, plans every tenant when the VaultPilot version changed", async () => {
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "team", dependencies: { vaultpilot: "0.2.0" } }),
    );
    git("add", ".");
    git("commit", "-qm", "pin");
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "team", dependencies: { vaultpilot: "0.3.0" } }),
    );
    const plan = await planJson("--base", "HEAD");
    expect(plan.scope).toMatchObject({
      mode: "full",
      reason: "the VaultPilot version changed (0.2.0 to 0.3.0)",
      planned: 4,
    });
  });

  it("rejects an unknown --base in one line", async () => {
    const r = await runCli(["plan", "policies", "--base", "no-such-ref"], { cwd: project });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'vaultpilot: --base "no-such-ref" is not a commit, branch or tag of this repository\n',
    );
  });

  it("reports policies that do not validate with exit 1 and one line", async () => {
    edit("tenants/acme/secrets.yaml", (t) =>
      t.replace("schedule: monthly", "schedule: fortnightly"),
    );
    const r = await runCli(["plan", "policies"], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^vaultpilot: the policies do not validate \(1 error; first: tenants\/acme\/secrets.yaml:\d+:\d+ .*\n$/,
    );
  });

  it("never prints a secret from the stack file in clear, in any format", async () => {
    const canary = "https://hooks.example.com/services/T0/CANARY-7c1e";
    writeFileSync(
      join(project, "Pulumi.canary.yaml"),
      `config:\n  aws:region: us-east-1\n  vaultpilot:tenants: [acme]\n  vaultpilot:alarmWebhookUrl: ${canary}\n`,
    );
    for (const format of ["text", "json", "markdown"]) {
      const r = await runCli(["plan", "policies", "--stack", "canary", "--format", format], {
        cwd: project,
      });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain("CANARY");
    }
    const json = await planJson("--stack", "canary");
    expect(
      json.resources.find((r) => r.type === "aws:sns/topicSubscription:TopicSubscription")?.inputs
        .endpoint,
    ).toBe("[secret]");
  });
});

describe("vaultpilot stacks", () => {
  it("prints the deploy matrix of the project's stacks", async () => {
    const r = await runCli(["stacks", "--format", "json"], { cwd: process.cwd() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      include: [
        { stack: "dev", region: "us-east-2", policyDir: "policies", tenants: ["initech"] },
        {
          stack: "prod",
          region: "us-east-1",
          policyDir: "policies",
          tenants: ["acme", "globex", "umbrella"],
        },
      ],
    });
  });

  it("reports a tenant owned by two stacks", async () => {
    writeFileSync(join(project, "Pulumi.a.yaml"), "config:\n  vaultpilot:tenants: ['*']\n");
    writeFileSync(join(project, "Pulumi.b.yaml"), "config:\n  vaultpilot:tenants: [acme]\n");
    const r = await runCli(["stacks", "--format", "json"], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "vaultpilot: tenant acme belongs to 2 stacks (a, b): each tenant's resources must have one owner\n",
    );
  });
});
