import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vaultKvStore } from "../../components/rotation/vault/kv-store.js";
import { runCli } from "../support/cli.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import {
  metadataOnlyPolicy,
  rotationPolicy,
  startOpenBao,
  type OpenBaoServer,
} from "../support/openbao.js";
import { policyTree } from "../support/policy-tree.js";
import { motoEnv } from "./moto-accounts.js";

// vaultpilot drift on the example vault tenant (examples/vault-store), pointed at this file's
// OpenBao and logging in with an AppRole that may read metadata and nothing else: the findings
// come from metadata alone, and no value is ever read (a canary value stays out of the output).

const CANARY = "canary-5d0b7e31-drift-never-reads-me";
let bao: OpenBaoServer;
let moto: MotoServer;
let tree: ReturnType<typeof policyTree>;
let env: Record<string, string>;

beforeAll(async () => {
  [bao, moto] = await Promise.all([startOpenBao(), startMoto()]);
  const reader = await bao.appRole("drift-reader", metadataOnlyPolicy("vaultpilot/initech"));
  const policy = readFileSync("examples/vault-store/policies/initech.yaml", "utf8")
    .replace("http://127.0.0.1:8200", bao.address)
    .replace("roleId: vaultpilot-initech", `roleId: ${reader.roleId}`)
    .replace(
      /---\napiVersion: vaultpilot.dev\/v1\nkind: Secret\n/,
      `---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: never-seeded
  tenant: initech
spec:
  type: api-key
  schedule: monthly
  consumers: [payments-api]
---
apiVersion: vaultpilot.dev/v1
kind: Secret
`,
    );
  tree = policyTree({
    "schedules.yaml": readFileSync("examples/vault-store/policies/schedules.yaml", "utf8"),
    "initech.yaml": policy,
  });
  env = { ...motoEnv(moto.endpoint), VAULTPILOT_VAULT_SECRET_ID: reader.secretId };
}, 120_000);

afterAll(async () => {
  tree?.remove();
  await Promise.all([bao?.stop(), moto?.stop()]);
});

interface DriftJson {
  findings: { tenant: string; resource: string; check: string; actual: string }[];
  summary: { secrets: number };
}

describe("vaultpilot drift on a vault tenant, with a metadata-only AppRole", () => {
  it("reports a missing secret, an overdue one and a write outside VaultPilot, never a value", async () => {
    const path = "vaultpilot/initech/payments-webhook";
    await bao.api("POST", `secret/data/${path}`, { data: { signingSecret: CANARY } });
    const rotator = await bao.appRole("rotator", rotationPolicy("vaultpilot/initech"));
    const store = vaultKvStore(
      {
        address: bao.address,
        mount: "secret",
        auth: {
          method: "approle",
          mount: "approle",
          roleId: rotator.roleId,
          secretId: { env: "S" },
        },
      },
      { env: { S: rotator.secretId } },
    );
    await store.putPending(
      path,
      "00000000-0000-4000-a000-000000000001",
      `{"signingSecret":"${CANARY}-2"}`,
    );
    await store.promote(path, "00000000-0000-4000-a000-000000000001", "kv-1");
    await store.clearPending(path, "00000000-0000-4000-a000-000000000001");
    // Someone writes the secret with bao kv put: KV's latest is no longer the current version.
    await bao.api("POST", `secret/data/${path}`, { data: { signingSecret: `${CANARY}-3` } });

    const now = await runCli(["drift", tree.dir, "--format", "json"], { env });
    const later = await runCli(
      [
        "drift",
        tree.dir,
        "--format",
        "json",
        "--at",
        new Date(Date.now() + 40 * 86_400_000).toISOString(),
      ],
      { env },
    );

    expect(now.stderr).toBe("");
    const vaultFindings = (run: { stdout: string }) =>
      (JSON.parse(run.stdout) as DriftJson).findings
        .filter((f) => f.resource.startsWith("secret/"))
        .map((f) => `${f.check} ${f.resource}`);
    expect(vaultFindings(now)).toEqual([
      "vault-secret-exists secret/vaultpilot/initech/never-seeded",
      "vault-latest-current secret/vaultpilot/initech/payments-webhook",
    ]);
    expect(vaultFindings(later)).toContain(
      "rotation-overdue secret/vaultpilot/initech/payments-webhook",
    );
    // Nothing is looked for in Secrets Manager for a vault tenant's secrets.
    expect(
      (JSON.parse(now.stdout) as DriftJson).findings.filter((f) => f.check === "secret-exists"),
    ).toEqual([]);
    expect((JSON.parse(now.stdout) as DriftJson).summary.secrets).toBe(2);
    expect(`${now.stdout}${now.stderr}${later.stdout}${later.stderr}`).not.toContain(CANARY);
  });
});
