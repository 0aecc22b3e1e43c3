import { execFileSync } from "node:child_process";
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
    if (api.failWith) {
      status(response, api.failWith, "Unauthorized", "Unauthorized");
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
