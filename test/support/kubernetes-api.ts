import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Deployment {
  metadata: { name: string; namespace: string; generation: number };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
  };
}

/** An ExternalSecret (external-secrets.io/v1) as the stand-in keeps it. */
export interface ExternalSecretResource {
  metadata: {
    name: string;
    namespace: string;
    generation: number;
    annotations: Record<string, string>;
    labels: Record<string, string>;
  };
  spec: { refreshInterval: string; remoteKey: string; target: string };
  status: {
    refreshTime?: string;
    syncedResourceVersion?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

/** The operator loop's way to read a secret's current value (AWSCURRENT) from the provider. */
export type ProviderRead = (remoteKey: string) => Promise<string>;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType?: string;
  readonly authorization?: string;
  readonly body?: unknown;
}

/** A Kubernetes API of the test's own over HTTPS (a fresh self-signed certificate for 127.0.0.1). */
export interface KubernetesApi {
  readonly url: string;
  /** PEM of the server's certificate, its own CA. */
  readonly ca: string;
  /** The file holding `ca`, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly requests: RecordedRequest[];
  readonly deployments: Map<string, Deployment>;
  /** Answer every request with this status (a Status object) instead, such as 401. */
  failWith?: number;
  readonly externalSecrets: Map<string, ExternalSecretResource>;
  /** Kubernetes Secrets written by the operator loop: `namespace/name` → data (base64 values). */
  readonly secrets: Map<string, Record<string, string>>;
  /** Requests and operator syncs in the order they happened ("PATCH <path>", "sync <ns>/<name>"). */
  readonly log: string[];
  /** An ExternalSecret copying every JSON field of `remoteKey` into Secret `name`, never synced. */
  addExternalSecret(
    namespace: string,
    name: string,
    remoteKey: string,
    refreshInterval?: string,
  ): void;
  /**
   * Starts a loop that behaves like External Secrets Operator's ExternalSecret controller: every
   * `intervalMs` it syncs each ExternalSecret that needs a refresh (its metadata changed since the
   * last sync, or its refresh interval passed), taking `syncDelayMs` to do so. Returns its stop.
   */
  startOperator(
    read: ProviderRead,
    options?: { intervalMs?: number; syncDelayMs?: number },
  ): () => void;
  /** A deployment of `replicas` replicas, all ready, at generation 1. */
  addDeployment(namespace: string, name: string, replicas?: number): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Answers deployment GET and strategic-merge PATCH (apps/v1) as the Kubernetes API documents
 * them: a changed pod template is a new generation, and the rollout then completes at once.
 */
export async function startKubernetesApi(): Promise<KubernetesApi> {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-kube-"));
  const caFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      caFile,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const ca = readFileSync(caFile, "utf8");
  const key = readFileSync(join(dir, "key.pem"), "utf8");
  const deployments = new Map<string, Deployment>();
  const requests: RecordedRequest[] = [];
  const externalSecrets = new Map<string, ExternalSecretResource>();
  const secrets = new Map<string, Record<string, string>>();
  const log: string[] = [];
  const status = (response: ServerResponse, code: number, reason: string, message: string) => {
    response.statusCode = code;
    response.end(
      JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason,
        code,
        message,
      }),
    );
  };
  const api: KubernetesApi = {
    url: "",
    ca,
    caFile,
    requests,
    deployments,
    externalSecrets,
    secrets,
    log,
    addExternalSecret(namespace, name, remoteKey, refreshInterval = "1h") {
      externalSecrets.set(`${namespace}/${name}`, {
        metadata: { name, namespace, generation: 1, annotations: {}, labels: {} },
        spec: { refreshInterval, remoteKey, target: name },
        status: {},
      });
    },
    startOperator(read, options = {}) {
      let stopped = false;
      const loop = async () => {
        while (!stopped) {
          for (const es of externalSecrets.values()) {
            if (stopped || !needsRefresh(es)) continue;
            const value = JSON.parse(await read(es.spec.remoteKey)) as Record<string, unknown>;
            await new Promise((resolve) => setTimeout(resolve, options.syncDelayMs ?? 0));
            if (stopped) break;
            secrets.set(
              `${es.metadata.namespace}/${es.spec.target}`,
              Object.fromEntries(
                Object.entries(value).map(([k, v]) => [
                  k,
                  Buffer.from(String(v)).toString("base64"),
                ]),
              ),
            );
            es.status = {
              refreshTime: new Date().toISOString(),
              syncedResourceVersion: resourceVersion(es),
              conditions: [
                { type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced" },
              ],
            };
            log.push(`sync ${es.metadata.namespace}/${es.metadata.name}`);
          }
          await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
        }
      };
      void loop();
      return () => {
        stopped = true;
      };
    },
    addDeployment(namespace, name, replicas = 2) {
      deployments.set(`${namespace}/${name}`, {
        metadata: { name, namespace, generation: 1 },
        spec: { replicas, template: { metadata: {} } },
        status: {
          observedGeneration: 1,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
        },
      });
    },
    reset() {
      requests.length = 0;
      deployments.clear();
      externalSecrets.clear();
      secrets.clear();
      log.length = 0;
      delete api.failWith;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const handle = (request: IncomingMessage, response: ServerResponse, text: string) => {
    const path = request.url ?? "";
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    requests.push({
      method: request.method ?? "",
      path,
      ...(request.headers["content-type"] && { contentType: request.headers["content-type"] }),
      ...(request.headers.authorization && { authorization: request.headers.authorization }),
      ...(body !== undefined && { body }),
    });
    response.setHeader("content-type", "application/json");
    if (request.method !== "GET") log.push(`${request.method} ${path}`);
    if (api.failWith) {
      status(response, api.failWith, "Unauthorized", "Unauthorized");
      return;
    }
    const external =
      /^\/apis\/external-secrets\.io\/v1\/namespaces\/([^/]+)\/externalsecrets\/([^/?]+)$/.exec(
        path,
      );
    if (external) {
      const es = externalSecrets.get(`${external[1]}/${external[2]}`);
      if (!es) {
        status(
          response,
          404,
          "NotFound",
          `externalsecrets.external-secrets.io "${external[2]}" not found`,
        );
        return;
      }
      if (request.method === "PATCH") {
        // Custom resources take JSON merge patches only (no strategic merge).
        if (request.headers["content-type"] !== "application/merge-patch+json") {
          status(
            response,
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format",
          );
          return;
        }
        const patch = body as { metadata?: { annotations?: Record<string, string> } };
        // Metadata changes leave metadata.generation as it is (only spec changes move it).
        Object.assign(es.metadata.annotations, patch.metadata?.annotations ?? {});
      } else if (request.method !== "GET") {
        status(response, 405, "MethodNotAllowed", `${request.method} is not allowed`);
        return;
      }
      response.end(
        JSON.stringify({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", ...es }),
      );
      return;
    }
    const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/?]+)$/.exec(path);
    const found = match ? deployments.get(`${match[1]}/${match[2]}`) : undefined;
    if (!found) {
      status(response, 404, "NotFound", `deployments.apps "${match?.[2]}" not found`);
      return;
    }
    if (request.method === "PATCH") {
      if (request.headers["content-type"] !== "application/strategic-merge-patch+json") {
        status(
          response,
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format",
        );
        return;
      }
      const patch = body as {
        spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
      };
      const before = JSON.stringify(found.spec.template.metadata.annotations ?? {});
      found.spec.template.metadata.annotations = {
        ...(found.spec.template.metadata.annotations ?? {}),
        ...(patch.spec?.template?.metadata?.annotations ?? {}),
      };
      if (JSON.stringify(found.spec.template.metadata.annotations) !== before)
        found.metadata.generation += 1;
      const replicas = found.spec.replicas;
      found.status = {
        observedGeneration: found.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
      };
    } else if (request.method !== "GET") {
      status(response, 405, "MethodNotAllowed", `${request.method} is not allowed`);
      return;
    }
    response.end(JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", ...found }));
  };
  const server = createServer({ cert: ca, key }, (request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => handle(request, response, text));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  rmSync(join(dir, "key.pem"));
  return Object.assign(api, { url: `https://127.0.0.1:${port}` });
}

/**
 * External Secrets' status.syncedResourceVersion of an object: `<generation>-<hash of its labels and
 * annotations>` (external-secrets v2.9.0 pkg/controllers/util/util.go GetResourceVersion; the hash
 * here is our own, the format and what it covers are the operator's).
 */
function resourceVersion(es: ExternalSecretResource): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([es.metadata.annotations, es.metadata.labels]))
    .digest("hex")
    .slice(0, 16);
  return `${es.metadata.generation}-${hash}`;
}

/** The operator's shouldRefreshPeriodic (externalsecret_controller.go, v2.9.0). */
function needsRefresh(es: ExternalSecretResource): boolean {
  const match = /^(\d+)(s|m|h)$/.exec(es.spec.refreshInterval);
  const ms = match ? Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "s"] : 0;
  // A zero interval syncs once: later metadata changes do not refresh it either.
  if (ms <= 0 && es.status.syncedResourceVersion) return false;
  if (es.status.syncedResourceVersion !== resourceVersion(es)) return true;
  if (!es.status.refreshTime) return true;
  return Date.parse(es.status.refreshTime) + ms < Date.now();
}
