import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from "@smithy/types";
import type { AwsClients } from "../aws/clients.js";
import type { EksOptions } from "./eks-options.js";
import {
  externalSecretState,
  templateAnnotationPatch,
  type DeploymentApi,
  type ExternalSecretObject,
  type DeploymentApiFor,
  type DeploymentStatus,
} from "./kubernetes.js";

// The Lambda's way to a cluster (see EksOptions): EKS by name, plain HTTPS, an IAM bearer token.
export { EKS_ENDPOINT_VARIABLE, eksOptionsFromEnv, type EksOptions } from "./eks-options.js";

export const TOKEN_PREFIX = "k8s-aws-v1.";
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";

/** SHA-256 and HMAC-SHA256 over node:crypto, in the shape @smithy/signature-v4 asks for. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.make();
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.make();
  }
  private make(): Hash | Hmac {
    if (this.secret === undefined) return createHash("sha256");
    const key =
      typeof this.secret === "string"
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac("sha256", key);
  }
}

/**
 * The EKS bearer token, as aws-iam-authenticator (pkg/token) defines it: `k8s-aws-v1.` and the
 * unpadded base64url of a presigned STS GetCallerIdentity URL (regional endpoint, X-Amz-Expires
 * 60) whose signed headers include `x-k8s-aws-id: <cluster>`. STS accepts it for 15 minutes.
 */
export async function eksToken(
  cluster: string,
  signing: { region: string; credentials: AwsCredentialIdentityProvider; signingDate?: Date },
): Promise<string> {
  const hostname = `sts.${signing.region}.amazonaws.com${signing.region.startsWith("cn-") ? ".cn" : ""}`;
  const signer = new SignatureV4({
    service: "sts",
    region: signing.region,
    credentials: signing.credentials,
    sha256: NodeSha256,
  });
  const presigned = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: cluster },
    },
    { expiresIn: 60, ...(signing.signingDate && { signingDate: signing.signingDate }) },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => [key, v]))
    .map(([key, value]) => `${encodeURIComponent(key!)}=${encodeURIComponent(value ?? "")}`)
    .join("&");
  return TOKEN_PREFIX + Buffer.from(`https://${hostname}/?${query}`).toString("base64url");
}

interface Endpoint {
  readonly url: URL;
  readonly ca?: string;
}

/** A Kubernetes API error as one line: the Status message, never a request body. */
function apiError(method: string, path: string, status: number, text: string): Error {
  let message = text.replace(/\s+/g, " ").slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // not a Status object: keep the start of the text
  }
  const hint =
    status === 401 || status === 403
      ? " (the rotation role needs an EKS access entry that may patch deployments in this namespace)"
      : "";
  return new Error(`Kubernetes API answered ${status} to ${method} ${path}: ${message}${hint}`);
}

function send(
  endpoint: Endpoint,
  token: string,
  method: "GET" | "PATCH",
  path: string,
  body?: unknown,
  contentType = "application/strategic-merge-patch+json",
): Promise<unknown> {
  const url = new URL(path, endpoint.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(endpoint.ca && { ca: endpoint.ca }),
        headers: {
          accept: "application/json",
          authorization: `Bearer ${token}`,
          ...(payload !== undefined && {
            "content-type": contentType,
            "content-length": Buffer.byteLength(payload),
          }),
        },
        timeout: 30_000,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(apiError(method, url.pathname, status, text));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`Kubernetes API answered ${method} ${url.pathname} with no JSON`));
          }
        });
        response.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.host} timed out`)));
    req.on("error", (error) =>
      reject(new Error(`could not reach the Kubernetes API at ${url.host}: ${error.message}`)),
    );
    req.end(payload);
  });
}

interface DeploymentObject {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: Omit<DeploymentStatus, "replicas">;
}

/** A `DeploymentApi` on one EKS cluster, reached through `endpoint` with tokens for `cluster`. */
export function eksDeploymentApi(
  cluster: string,
  endpoint: Endpoint,
  token: () => Promise<string>,
): DeploymentApi {
  const path = (namespace: string, name: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
  return {
    async patchTemplateAnnotation(namespace, name, key, value) {
      const patched = (await send(
        endpoint,
        await token(),
        "PATCH",
        path(namespace, name),
        templateAnnotationPatch(key, value),
      )) as DeploymentObject;
      return patched.metadata?.generation ?? 0;
    },
    async readStatus(namespace, name) {
      const found = (await send(
        endpoint,
        await token(),
        "GET",
        path(namespace, name),
      )) as DeploymentObject;
      return { ...found.status, replicas: found.spec?.replicas ?? 1 };
    },
    async patchExternalSecretAnnotation(namespace, name, key, value) {
      await send(
        endpoint,
        await token(),
        "PATCH",
        externalSecretPath(namespace, name),
        { metadata: { annotations: { [key]: value } } },
        "application/merge-patch+json",
      );
    },
    async readExternalSecret(namespace, name) {
      return externalSecretState(
        (await send(
          endpoint,
          await token(),
          "GET",
          externalSecretPath(namespace, name),
        )) as ExternalSecretObject,
      );
    },
  };
}

const externalSecretPath = (namespace: string, name: string) =>
  `/apis/external-secrets.io/v1/namespaces/${encodeURIComponent(namespace)}/externalsecrets/${encodeURIComponent(name)}`;

/**
 * Reaches the cluster a reload block names through EKS: one DescribeCluster per reload, and a fresh
 * token per request (signing is local; a reload may wait longer than a token lives).
 */
export function eksDeploymentApiFor(
  clients: AwsClients,
  options: EksOptions = {},
): DeploymentApiFor {
  return async (target) => {
    const cluster = target.cluster;
    if (!cluster)
      throw new Error(
        `deployment ${target.namespace}/${target.deployment} has no spec.reload.kubernetes.cluster: the rotation function reaches EKS clusters by name (or reload it with vaultpilot rotate, which uses the kubeconfig)`,
      );
    const described = await clients.eks().send(new DescribeClusterCommand({ name: cluster }));
    const endpoint = endpointOf(cluster, described.cluster, options);
    const sts = clients.sts();
    const region = await sts.config.region();
    const credentials = sts.config.credentials;
    return eksDeploymentApi(cluster, endpoint, () => eksToken(cluster, { region, credentials }));
  };
}

function endpointOf(
  cluster: string,
  described: { endpoint?: string; certificateAuthority?: { data?: string } } | undefined,
  options: EksOptions,
): Endpoint {
  if (options.endpointUrl)
    return { url: new URL(options.endpointUrl), ...(options.ca && { ca: options.ca }) };
  const url = described?.endpoint;
  const data = described?.certificateAuthority?.data;
  if (!url || !data)
    throw new Error(
      `EKS cluster ${cluster} has no API endpoint or certificate authority yet (is it still creating?)`,
    );
  return { url: new URL(url), ca: Buffer.from(data, "base64").toString("utf8") };
}
