import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VaultClient } from "../../../components/rotation/vault/client.js";
import { drawPassword, vaultKvStore } from "../../../components/rotation/vault/kv-store.js";
import { vaultSecretReader } from "../../../components/rotation/vault/index.js";
import {
  metadataOnlyPolicy,
  rotationPolicy,
  startOpenBao,
  type OpenBaoServer,
} from "../../support/openbao.js";
import { storeConformance } from "../store-conformance.js";

let bao: OpenBaoServer;
let approle: { roleId: string; secretId: string };
let made = 0;

beforeAll(async () => {
  bao = await startOpenBao();
  // The conformance suite looks for "no/such/secret": the role may read there too (and finds nothing).
  approle = await bao.appRole(
    "conformance",
    `${rotationPolicy("conformance")}\n${rotationPolicy("no")}`,
  );
}, 60_000);

afterAll(async () => {
  await bao?.stop();
});

const env = () => ({ VP_SECRET_ID: approle.secretId });
const appRoleStore = () =>
  vaultKvStore(
    {
      address: bao.address,
      mount: "secret",
      auth: {
        method: "approle",
        mount: "approle",
        roleId: approle.roleId,
        secretId: { env: "VP_SECRET_ID" },
      },
    },
    { env: env() },
  );

storeConformance("OpenBao KV v2 (bao server -dev, AppRole login)", async () => ({
  store: appRoleStore(),
  async createSecret(value) {
    const path = `conformance/secret-${++made}`;
    await bao.api("POST", `secret/data/${path}`, { data: JSON.parse(value) as object });
    return path;
  },
}));

describe("the OpenBao KV v2 store beyond the port's contract", () => {
  it("keeps the stages and version ids in custom_metadata, where bao kv metadata get shows them", async () => {
    const store = appRoleStore();
    const path = `conformance/meta-${++made}`;
    await bao.api("POST", `secret/data/${path}`, { data: { v: "1" } });
    await store.putPending(path, "00000000-0000-4000-a000-000000000001", '{"v":"2"}');

    const meta = (await bao.api("GET", `secret/metadata/${path}`)) as {
      data: { custom_metadata: Record<string, string>; current_version: number };
    };

    expect(meta.data.current_version).toBe(2);
    expect(meta.data.custom_metadata).toEqual({
      "vaultpilot-current": "kv-1",
      "vaultpilot-pending": "00000000-0000-4000-a000-000000000001",
      "vaultpilot-version-2": "00000000-0000-4000-a000-000000000001",
    });
  });

  it("refuses a path outside the AppRole's policy with the server's 403, and writes nothing", async () => {
    const store = appRoleStore();
    await bao.api("POST", "secret/data/elsewhere/secret", { data: { v: "1" } });

    const refused = await store.describe("elsewhere/secret").catch((e: unknown) => e);
    const write = await store
      .putPending("elsewhere/secret", "00000000-0000-4000-a000-000000000009", '{"v":"2"}')
      .catch((e: unknown) => e);

    expect(String(refused)).toMatch(
      /OpenBao answered 403 to GET secret\/metadata\/elsewhere\/secret: .*permission denied/,
    );
    expect(String(write)).toMatch(/403/);
    const meta = (await bao.api("GET", "secret/metadata/elsewhere/secret")) as {
      data: { current_version: number };
    };
    expect(meta.data.current_version).toBe(1);
  });

  it("lists versions and stages with a policy that cannot read values, and is refused the values", async () => {
    const path = `conformance/metadata-only-${++made}`;
    await bao.api("POST", `secret/data/${path}`, { data: { v: "1" } });
    const reader = await bao.appRole("metadata-reader", metadataOnlyPolicy("conformance"));
    const store = vaultKvStore(
      {
        address: bao.address,
        mount: "secret",
        auth: {
          method: "approle",
          mount: "approle",
          roleId: reader.roleId,
          secretId: { env: "S" },
        },
      },
      { env: { S: reader.secretId } },
    );

    const described = await store.describe(path, { allVersions: true });
    const value = await store.value(path, { stage: "current" }).catch((e: unknown) => e);

    expect(described.versions).toEqual([
      expect.objectContaining({ versionId: "kv-1", stages: ["current"] }),
    ]);
    expect(String(value)).toMatch(/403/);
  });

  it("logs in again when its token was revoked", async () => {
    const calls: string[] = [];
    const client = new VaultClient(
      {
        address: bao.address,
        auth: {
          method: "approle",
          mount: "approle",
          roleId: approle.roleId,
          secretId: { env: "VP_SECRET_ID" },
        },
      },
      { env: env(), onCall: (method, path) => calls.push(`${method} ${path}`) },
    );
    const store = vaultKvStore(
      { address: bao.address, mount: "secret", auth: client.config.auth },
      { client },
    );
    const path = `conformance/relogin-${++made}`;
    await bao.api("POST", `secret/data/${path}`, { data: { v: "1" } });
    await store.describe(path);
    const tokens = (await bao.api("LIST", "auth/token/accessors")) as { data: { keys: string[] } };
    for (const accessor of tokens.data.keys) {
      const info = (await bao.api("POST", "auth/token/lookup-accessor", { accessor })) as {
        data: { policies: string[] };
      };
      if (info.data.policies.includes("conformance"))
        await bao.api("POST", "auth/token/revoke-accessor", { accessor });
    }

    await store.describe(path);

    expect(calls.filter((c) => c === "POST auth/approle/login")).toHaveLength(2);
  });

  it("refuses a server whose KV v2 has no metadata check-and-set, in one line", async () => {
    // HashiCorp Vault's metadata has no current_metadata_version: a local server answering as it does.
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          data: {
            current_version: 1,
            custom_metadata: null,
            versions: {
              "1": { created_time: "2026-01-01T00:00:00Z", deletion_time: "", destroyed: false },
            },
          },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const store = vaultKvStore(
      {
        address: `http://127.0.0.1:${port}`,
        mount: "secret",
        auth: { method: "token", token: { env: "T" } },
      },
      { env: { T: "t" } },
    );

    const refused = await store.describe("any/secret").catch((e: unknown) => e);
    server.close();

    expect((refused as Error).message).toMatch(/no metadata check-and-set .*use OpenBao 2\.x/);
    expect((refused as Error).message).not.toMatch(/\n/);
  });

  it("draws passwords of the policy's length with every remaining class and no excluded character", () => {
    for (let i = 0; i < 200; i++) {
      const password = drawPassword({ length: 24, exclude: "\"'\\/@ " });
      expect(password).toHaveLength(24);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).not.toMatch(/["'\\/@ ]/);
    }
  });
});

describe("vaultSecretReader, the read side for consumers", () => {
  it("reads the version the current stage names, not KV's latest, and its id from metadata alone", async () => {
    const store = appRoleStore();
    const path = `conformance/reader-${++made}`;
    await bao.api("POST", `secret/data/${path}`, { data: { v: "1" } });
    await store.putPending(path, "00000000-0000-4000-a000-000000000001", '{"v":"2"}');
    const reader = vaultSecretReader(
      {
        address: bao.address,
        mount: "secret",
        pathPrefix: "conformance",
        auth: {
          method: "approle",
          mount: "approle",
          roleId: approle.roleId,
          secretId: { env: "VP_SECRET_ID" },
        },
      },
      { env: env() },
    );
    const name = path.slice("conformance/".length);

    expect(await reader.read(name)).toEqual({ versionId: "kv-1", value: '{"v":"1"}' });
    expect(await reader.versionId(name, "pending")).toBe("00000000-0000-4000-a000-000000000001");
    await store.promote(path, "00000000-0000-4000-a000-000000000001", "kv-1");
    expect(await reader.read(name)).toEqual({
      versionId: "00000000-0000-4000-a000-000000000001",
      value: '{"v":"2"}',
    });
    expect(await reader.read("no-such-secret")).toBeUndefined();
  });
});
