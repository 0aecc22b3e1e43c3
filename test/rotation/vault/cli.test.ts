import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClients } from "../../../components/rotation/aws/clients.js";
import { RotationEngine } from "../../../components/rotation/engine.js";
import { rotationConfigFor } from "../../../components/rotation/config.js";
import { vaultKvStore } from "../../../components/rotation/vault/kv-store.js";
import { strategyFor } from "../../../components/rotation/strategies/index.js";
import { validatePolicies } from "../../../program/validate.js";
import { startPostgres, type DatabaseServer } from "../../support/databases.js";
import { runCli, type CliRun } from "../../support/cli.js";
import { startOpenBao, rotationPolicy, type OpenBaoServer } from "../../support/openbao.js";
import { policyTree } from "../../support/policy-tree.js";

// vaultpilot rotate, versions and rollback on a tenant whose spec.store is an OpenBao KV v2 mount,
// logging in by AppRole with a policy limited to vaultpilot/acme.

const CANARY = "canary-9f1c2e7a-never-print-me";

let bao: OpenBaoServer;
let db: DatabaseServer;
let tree: ReturnType<typeof policyTree>;
let env: Record<string, string>;

function policies(prefix: string, dbPort: number) {
  return {
    "schedules.yaml": `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
`,
    "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws:
    account: "123456789012"
    region: us-east-1
  store:
    type: vault
    address: ${bao.address}
    pathPrefix: ${prefix}
    auth:
      method: approle
      roleId: "{ ROLE_ID }"
      secretId: { env: VAULTPILOT_VAULT_SECRET_ID }
---
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
  name: hook
  tenant: acme
spec:
  type: webhook
  schedule: monthly
  consumers: [api]
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme
spec:
  type: postgres
  schedule: monthly
  consumers: [api]
  connection:
    host: 127.0.0.1
    port: ${dbPort}
    database: postgres
    username: orders_app
    strategy: alternating
    masterSecret: pg-admin
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: api-token
  tenant: acme
spec:
  type: api-key
  schedule: monthly
  consumers: [api]
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: pg-admin
  tenant: acme
spec:
  type: postgres
  schedule: monthly
  consumers: [api]
  connection:
    host: 127.0.0.1
    port: ${dbPort}
    database: postgres
    username: ${db.admin.username}
`,
  };
}

let roleId: string;

beforeAll(async () => {
  [bao, db] = await Promise.all([startOpenBao(), startPostgres()]);
  const role = await bao.appRole("acme-rotation", rotationPolicy("vaultpilot/acme"));
  roleId = role.roleId;
  const files = policies("vaultpilot/acme", db.port);
  files["acme.yaml"] = files["acme.yaml"].replace("{ ROLE_ID }", roleId);
  tree = policyTree({
    "schedules.yaml": files["schedules.yaml"],
    "acme.yaml": files["acme.yaml"],
  });
  env = { VAULTPILOT_VAULT_SECRET_ID: role.secretId, VAULTPILOT_RETRY_DELAY_MS: "5" };
}, 120_000);

afterAll(async () => {
  tree?.remove();
  await Promise.all([bao?.stop(), db?.stop()]);
});

const cli = (...args: string[]) =>
  runCli([...args, "-p", tree.dir], { env }).then((r) => {
    expect(`${r.stdout}${r.stderr}`).not.toContain(CANARY);
    return r;
  });
const metadata = async (path: string) =>
  (
    (await bao.api("GET", `secret/metadata/${path}`)) as {
      data: { custom_metadata: Record<string, string> | null; current_version: number };
    }
  ).data;
const latest = async (path: string) =>
  ((await bao.api("GET", `secret/data/${path}`)) as { data: { data: Record<string, string> } }).data
    .data;
const current = async (path: string) => {
  const meta = await metadata(path);
  const id = meta.custom_metadata?.["vaultpilot-current"];
  const n = Object.entries(meta.custom_metadata ?? {}).find(
    ([k, v]) => k.startsWith("vaultpilot-version-") && v === id,
  )?.[0];
  const untagged = /^kv-(\d+)$/.exec(id ?? "");
  const version = n
    ? Number(n.slice("vaultpilot-version-".length))
    : untagged
      ? Number(untagged[1])
      : meta.current_version;
  return (
    (await bao.api("GET", `secret/data/${path}?version=${version}`)) as {
      data: { data: Record<string, string> };
    }
  ).data.data;
};
const lines = (run: CliRun) =>
  run.stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { step: string; outcome: string; secretArn: string });

describe("vaultpilot rotate, versions and rollback on an OpenBao store", () => {
  it("rotates a webhook secret, lists its versions and rolls it back, never printing a value", async () => {
    await bao.api("POST", "secret/data/vaultpilot/acme/hook", { data: { signingSecret: CANARY } });

    const rotated = await cli("rotate", "acme/hook", "--no-reload");
    const after = await current("vaultpilot/acme/hook");
    const versions = await cli("versions", "acme/hook", "--format", "json");
    const rolledBack = await cli("rollback", "acme/hook", "--no-reload");

    expect(rotated.stderr.split("\n").filter((l) => l && !l.startsWith("{"))).toEqual([]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      /^rotated vaultpilot\/acme\/hook: version [0-9a-f-]{36} is current\n$/,
    );
    expect(after.previousSigningSecret).toBe(CANARY);
    expect(after.signingSecret).not.toBe(CANARY);
    expect(`${rotated.stdout}${rotated.stderr}${versions.stdout}`).not.toContain(
      after.signingSecret,
    );
    expect(
      lines(rotated)
        .filter((l) => l.outcome === "succeeded")
        .map((l) => l.step),
    ).toEqual(["createSecret", "setSecret", "testSecret", "finishSecret"]);
    expect(lines(rotated)[0]!.secretArn).toBe("secret/vaultpilot/acme/hook");
    const listed = JSON.parse(versions.stdout) as {
      versions: { versionId: string; stages: string[] }[];
    };
    expect(listed.versions.map((v) => v.stages)).toEqual([["current"], ["previous"]]);
    expect(listed.versions[1]!.versionId).toBe("kv-1");
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toMatch(/version kv-1 is current again/);
    expect((await current("vaultpilot/acme/hook")).signingSecret).toBe(CANARY);
    // The rollback wrote the restored value again as KV's latest, what `bao kv get` reads.
    expect((await latest("vaultpilot/acme/hook")).signingSecret).toBe(CANARY);
    expect((await metadata("vaultpilot/acme/hook")).current_version).toBe(3);
  });

  it("rotates a PostgreSQL secret with alternating users, the master read from the store", async () => {
    await db.createUser("orders_app", CANARY);
    await bao.api("POST", "secret/data/vaultpilot/acme/pg-admin", {
      data: {
        engine: "postgres",
        host: "127.0.0.1",
        port: db.port,
        username: db.admin.username,
        password: db.admin.password,
        dbname: "postgres",
      },
    });
    await bao.api("POST", "secret/data/vaultpilot/acme/orders-db", {
      data: {
        engine: "postgres",
        host: "127.0.0.1",
        port: db.port,
        username: "orders_app",
        password: CANARY,
        dbname: "postgres",
        masterarn: "vaultpilot/acme/pg-admin",
      },
    });

    const first = await cli("rotate", "acme/orders-db", "--no-reload");
    const afterFirst = await current("vaultpilot/acme/orders-db");
    const second = await cli("rotate", "acme/orders-db", "--no-reload");
    const afterSecond = await current("vaultpilot/acme/orders-db");

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(afterFirst.username).toBe("orders_app_clone");
    expect(afterSecond.username).toBe("orders_app");
    expect(await db.canLogin("orders_app_clone", afterFirst.password!)).toBe(true);
    expect(await db.canLogin("orders_app", afterSecond.password!)).toBe(true);
    expect(await db.canLogin("orders_app", CANARY)).toBe(false);
  });

  it("stops a second rotation with exit 75 while a first holds the claim, and lets the first finish", async () => {
    await bao.api("POST", "secret/data/vaultpilot/acme/hook", { data: { signingSecret: CANARY } });
    const model = validatePolicies(tree.dir).model!;
    const secret = model.tenants[0]!.secrets.find((s) => s.name === "hook")!;
    let reloading!: () => void;
    const reloadStarted = new Promise<void>((r) => (reloading = r));
    let finishReload!: () => void;
    const reloadDone = new Promise<void>((r) => (finishReload = r));
    const store = vaultKvStore(model.tenants[0]!.store as Parameters<typeof vaultKvStore>[0], {
      env,
    });
    // The first run's consumer is slow to become healthy: it holds the claim meanwhile.
    const first = new RotationEngine(
      "vaultpilot/acme/hook",
      {
        ...rotationConfigFor(secret),
        reload: [{ service: "api", runtime: "ecs", ecs: { cluster: "c", service: "api" } }],
      },
      {
        store,
        // A webhook rotation calls no AWS API: the clients stay unused.
        strategy: (type) => strategyFor(type, { aws: new AwsClients({ region: "us-east-1" }) }),
        reloader: async () => ({
          reload: async () => {
            reloading();
            await reloadDone;
          },
        }),
        audit: () => undefined,
      },
    ).rotate();
    await reloadStarted;

    const second = await cli("rotate", "acme/hook", "--no-reload");
    finishReload();
    const won = await first;

    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(
      /^vaultpilot: busy: run [0-9a-f]{16} holds the claim on vaultpilot\/acme\/hook until .*; nothing was changed\n$/m,
    );
    expect((await current("vaultpilot/acme/hook")).signingSecret).not.toBe(CANARY);
    expect((await metadata("vaultpilot/acme/hook")).custom_metadata?.["vaultpilot-current"]).toBe(
      won.versionId,
    );
  });

  it("is refused outside the AppRole's prefix in one line, and writes nothing there", async () => {
    await bao.api("POST", "secret/data/other/acme/hook", { data: { signingSecret: CANARY } });
    const files = policies("other/acme", db.port);
    const other = policyTree({
      "schedules.yaml": files["schedules.yaml"],
      "acme.yaml": files["acme.yaml"].replace("{ ROLE_ID }", roleId),
    });

    const refused = await runCli(["rotate", "acme/hook", "--no-reload", "-p", other.dir], { env });
    other.remove();

    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([
      "vaultpilot: VaultError: OpenBao answered 403 to GET secret/metadata/other/acme/hook: 1 error occurred: * permission denied",
    ]);
    expect((await metadata("other/acme/hook")).current_version).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(CANARY);
  });

  it("cannot start without the AppRole's secret id: exit 2, one line naming where it looked, nothing written", async () => {
    const before = (await metadata("vaultpilot/acme/hook")).current_version;
    const unset = await runCli(["rotate", "acme/hook", "--no-reload", "-p", tree.dir], {
      env: { ...env, VAULTPILOT_VAULT_SECRET_ID: "" },
    });

    expect(unset.code).toBe(2);
    expect(unset.stderr.split("\n").filter((l) => l && !l.startsWith("{"))).toEqual([
      expect.stringContaining("comes from $VAULTPILOT_VAULT_SECRET_ID, which is not set"),
    ]);
    expect((await metadata("vaultpilot/acme/hook")).current_version).toBe(before);
  });

  it("says where it looked for a secret that is not in the store", async () => {
    const listed = await cli("versions", "acme/api-token");
    const rotated = await cli("rotate", "acme/api-token");

    expect([listed.code, rotated.code]).toEqual([1, 1]);
    expect(listed.stderr).toBe(
      `vaultpilot: secret vaultpilot/acme/api-token is not in OpenBao at ${bao.address} (secret/vaultpilot/acme/api-token)\n`,
    );
    expect(rotated.stderr).toMatch(/is not in OpenBao at .*; nothing was rotated\n$/);
  });
});
