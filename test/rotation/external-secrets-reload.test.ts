import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eksDeploymentApi } from "../../components/rotation/reload/kubernetes-eks.js";
import {
  kubernetesReloader,
  restartAnnotation,
  SYNC_ANNOTATION,
} from "../../components/rotation/reload/kubernetes.js";
import type { ReloadTarget } from "../../program/rotation-config.js";
import { VALUE_CANARY } from "../support/kubernetes-delivery-policies.js";
import { startKubernetesApi, type KubernetesApi } from "../support/kubernetes-api.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

// A Kubernetes consumer that receives its secret through External Secrets restarts only after the
// operator copied the new version: the reloader against the HTTPS Kubernetes API stand-in, whose
// operator loop reads the secret from Secrets Manager (moto) as External Secrets does.

let moto: MotoServer;
let kube: KubernetesApi;
let sm: SecretsManagerClient;
let stopOperator: (() => void) | undefined;
const REMOTE_KEY = "vaultpilot/acme/orders-db";
const target: ReloadTarget = {
  service: "orders-api",
  runtime: "kubernetes",
  kubernetes: { namespace: "acme", deployment: "orders-api" },
  externalSecret: { namespace: "acme", name: "orders-db" },
};
const api = () =>
  eksDeploymentApi("acme-prod", { url: new URL(kube.url), ca: kube.ca }, async () => "token");
const readCurrent = async (key: string) =>
  (await sm.send(new GetSecretValueCommand({ SecretId: key }))).SecretString!;
const copied = () =>
  Buffer.from(kube.secrets.get("acme/orders-db")?.password ?? "", "base64").toString("utf8");
const until = async (ready: () => boolean) => {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
};

beforeAll(async () => {
  moto = await startMoto();
  kube = await startKubernetesApi();
  sm = new SecretsManagerClient({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
});

afterAll(async () => {
  stopOperator?.();
  await kube?.close();
  await moto?.stop();
});

beforeEach(async () => {
  stopOperator?.();
  stopOperator = undefined;
  await moto.reset();
  kube.reset();
  await sm.send(
    new CreateSecretCommand({
      Name: REMOTE_KEY,
      SecretString: JSON.stringify({ username: "orders", password: "old-password" }),
    }),
  );
  kube.addDeployment("acme", "orders-api");
  kube.addExternalSecret("acme", "orders-db", REMOTE_KEY, "1h");
});

/** The rotation's finishSecret: the new value becomes AWSCURRENT in Secrets Manager. */
const finishRotation = (password: string) =>
  sm.send(
    new PutSecretValueCommand({
      SecretId: REMOTE_KEY,
      SecretString: JSON.stringify({ username: "orders", password }),
    }),
  );

describe("reload of a consumer that receives its secret through External Secrets", () => {
  it("asks the operator to sync, waits until it did, then restarts the deployment", async () => {
    stopOperator = kube.startOperator(readCurrent, { intervalMs: 20, syncDelayMs: 150 });
    await until(() => copied() === "old-password");
    kube.log.length = 0;
    await finishRotation(`new-password-${VALUE_CANARY}`);
    // Within the 1h refresh interval the operator would keep the old copy on its own.
    await new Promise((r) => setTimeout(r, 100));
    expect(copied()).toBe("old-password");

    await kubernetesReloader(async () => api(), { timeoutMs: 10_000, intervalMs: 20 }).reload(
      target,
      "v2",
    );

    expect(kube.log).toEqual([
      "PATCH /apis/external-secrets.io/v1/namespaces/acme/externalsecrets/orders-db",
      "sync acme/orders-db",
      "PATCH /apis/apps/v1/namespaces/acme/deployments/orders-api",
    ]);
    expect(copied()).toBe(`new-password-${VALUE_CANARY}`);
    const patch = kube.requests.find(
      (r) => r.method === "PATCH" && r.path.includes("externalsecrets"),
    );
    expect(patch).toMatchObject({
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { [SYNC_ANNOTATION]: restartAnnotation("v2") } } },
    });
    // Names and hashes go to the API; the value never does.
    expect(JSON.stringify(kube.requests)).not.toContain(VALUE_CANARY);
  });

  it("restarts nothing when the operator does not sync in time, and says so", async () => {
    stopOperator = kube.startOperator(readCurrent, { intervalMs: 20 });
    await until(() => copied() === "old-password");
    stopOperator();
    kube.log.length = 0;
    await finishRotation(`new-password-${VALUE_CANARY}`);

    const reload = kubernetesReloader(async () => api(), { timeoutMs: 300, intervalMs: 50 }).reload(
      target,
      "v2",
    );

    await expect(reload).rejects.toThrow(
      /^timed out after 300 ms waiting for External Secrets to sync ExternalSecret acme\/orders-db \(status\.syncedResourceVersion stayed 1-[0-9a-f]{16}; its Ready condition is True \(secret synced\)\); deployment acme\/orders-api was not restarted, so it keeps the copy it has$/,
    );
    await reload.catch((error: Error) => expect(error.message).not.toContain(VALUE_CANARY));
    expect(kube.log).toEqual([
      "PATCH /apis/external-secrets.io/v1/namespaces/acme/externalsecrets/orders-db",
    ]);
    expect(kube.deployments.get("acme/orders-api")!.metadata.generation).toBe(1);
  });

  it("does not wait again for a version the operator already synced (a retried reload)", async () => {
    stopOperator = kube.startOperator(readCurrent, { intervalMs: 20 });
    await finishRotation("new-password");
    const reloader = kubernetesReloader(async () => api(), { timeoutMs: 5_000, intervalMs: 20 });
    await reloader.reload(target, "v2");
    stopOperator();
    kube.log.length = 0;

    await reloader.reload(target, "v2");

    expect(kube.log).toEqual(["PATCH /apis/apps/v1/namespaces/acme/deployments/orders-api"]);
  });

  it("restarts a consumer without an ExternalSecret at once, as before", async () => {
    const plain: ReloadTarget = {
      service: target.service,
      runtime: "kubernetes",
      kubernetes: { namespace: "acme", deployment: "orders-api" },
    };
    await kubernetesReloader(async () => api(), { timeoutMs: 1_000, intervalMs: 20 }).reload(
      plain,
      "v2",
    );
    expect(kube.log).toEqual(["PATCH /apis/apps/v1/namespaces/acme/deployments/orders-api"]);
  });
});
