import { createHash, createHmac } from "node:crypto";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ReloadTarget } from "../../components/rotation/config.js";
import {
  CLUSTER_ID_HEADER,
  eksDeploymentApiFor,
  eksToken,
  TOKEN_PREFIX,
} from "../../components/rotation/reload/kubernetes-eks.js";
import {
  kubernetesReloader,
  RESTART_ANNOTATION,
  restartAnnotation,
} from "../../components/rotation/reload/kubernetes.js";
import { startKubernetesApi, type KubernetesApi } from "../support/kubernetes-api.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { RotationHarness } from "./harness.js";

let moto: MotoServer;
let harness: RotationHarness;
let kube: KubernetesApi;
let eks: EKSClient;

beforeAll(async () => {
  moto = await startMoto({ awsRules: true });
  harness = new RotationHarness(moto);
  kube = await startKubernetesApi();
  eks = new EKSClient({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
});

afterAll(async () => {
  eks?.destroy();
  await harness?.close();
  await moto?.stop();
  await kube?.close();
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  kube.reset();
});

async function createCluster(name: string) {
  await eks.send(
    new CreateClusterCommand({
      name,
      roleArn: "arn:aws:iam::123456789012:role/eks-cluster",
      resourcesVpcConfig: { subnetIds: ["subnet-1"] },
    }),
  );
}

/** moto's cluster endpoint is a made-up host: the API requests go to the test's own server. */
const toLocalApi = () => ({ endpointUrl: kube.url, ca: kube.ca });

const target = (cluster?: string): Extract<ReloadTarget, { runtime: "kubernetes" }> => ({
  service: "payments-api",
  runtime: "kubernetes",
  kubernetes: { namespace: "payments", deployment: "payments-api", ...(cluster && { cluster }) },
});

/** RFC 3986 escaping, as SigV4's canonical query string wants it. */
const escape = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Checks a token as EKS's authenticator does (pkg/token Verify) and recomputes its SigV4 signature
 * independently of @smithy/signature-v4, for the secret key and the cluster given.
 */
function checkToken(token: string, cluster: string, secretAccessKey: string) {
  expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
  expect(token.length).toBeLessThanOrEqual(4096);
  const encoded = token.slice(TOKEN_PREFIX.length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, unpadded
  const url = new URL(Buffer.from(encoded, "base64url").toString("utf8"));
  expect(url.protocol).toBe("https:");
  expect(url.host).toBe("sts.us-east-1.amazonaws.com");
  expect(url.pathname).toBe("/");
  const params = Object.fromEntries(url.searchParams);
  const allowed = [
    "action",
    "version",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-expires",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-signedheaders",
  ];
  for (const key of Object.keys(params)) expect(allowed).toContain(key.toLowerCase());
  expect(params).toMatchObject({
    Action: "GetCallerIdentity",
    Version: "2011-06-15",
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Expires": "60",
  });
  const signedHeaders = params["X-Amz-SignedHeaders"]!.split(";");
  expect(signedHeaders).toContain(CLUSTER_ID_HEADER);
  expect(signedHeaders).toContain("host");
  const [accessKey, day, region, service, terminator] = params["X-Amz-Credential"]!.split("/");
  expect([accessKey, region, service, terminator]).toEqual([
    "testing",
    "us-east-1",
    "sts",
    "aws4_request",
  ]);
  expect(params["X-Amz-Date"]!.startsWith(day!)).toBe(true);

  const headers: Record<string, string> = { host: url.host, [CLUSTER_ID_HEADER]: cluster };
  const query = Object.entries(params)
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => `${escape(key)}=${escape(value)}`)
    .sort()
    .join("&");
  const canonical = [
    "GET",
    "/",
    query,
    ...signedHeaders.map((h) => `${h}:${headers[h]}`),
    "",
    signedHeaders.join(";"),
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    params["X-Amz-Date"],
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`).update(day!).digest();
  for (const part of [region!, service!, "aws4_request"])
    key = createHmac("sha256", key).update(part).digest();
  expect(params["X-Amz-Signature"]).toBe(createHmac("sha256", key).update(toSign).digest("hex"));
}

describe("eksToken", () => {
  it("is k8s-aws-v1. and a presigned STS GetCallerIdentity URL that signs the cluster's x-k8s-aws-id", async () => {
    const token = await eksToken("acme-prod", {
      region: "us-east-1",
      credentials: () => Promise.resolve({ accessKeyId: "testing", secretAccessKey: "s3cr3t/+=" }),
    });

    checkToken(token, "acme-prod", "s3cr3t/+=");
  });

  it("carries a session token and signs another cluster differently", async () => {
    const credentials = () =>
      Promise.resolve({
        accessKeyId: "testing",
        secretAccessKey: "k",
        sessionToken: "FwoG/session+token==",
      });
    const signingDate = new Date("2025-01-02T03:04:05Z");
    const a = await eksToken("a", { region: "us-east-1", credentials, signingDate });
    const b = await eksToken("b", { region: "us-east-1", credentials, signingDate });

    const url = new URL(Buffer.from(a.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("FwoG/session+token==");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20250102T030405Z");
    checkToken(a, "a", "k");
    expect(a).not.toBe(b);
  });
});

describe("the EKS DeploymentApi (moto's EKS, a Kubernetes API of the test's own)", () => {
  it("looks the cluster up with DescribeCluster and restarts the deployment with an EKS token on every request", async () => {
    await createCluster("acme-prod");
    kube.addDeployment("payments", "payments-api", 3);
    const reloader = kubernetesReloader(eksDeploymentApiFor(harness.clients, toLocalApi()), {
      timeoutMs: 2000,
      intervalMs: 20,
    });

    await reloader.reload(target("acme-prod"), "v-42");

    expect(kube.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PATCH /apis/apps/v1/namespaces/payments/deployments/payments-api",
      "GET /apis/apps/v1/namespaces/payments/deployments/payments-api",
    ]);
    expect(kube.requests[0]).toMatchObject({
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: {
            metadata: { annotations: { [RESTART_ANNOTATION]: restartAnnotation("v-42") } },
          },
        },
      },
    });
    for (const request of kube.requests) {
      expect(request.authorization).toMatch(/^Bearer /);
      checkToken(request.authorization!.slice("Bearer ".length), "acme-prod", "testing");
    }
    expect(kube.deployments.get("payments/payments-api")!.metadata.generation).toBe(2);
  });

  it("fails in one line, before any Kubernetes request, when the cluster does not exist in EKS", async () => {
    const reloader = kubernetesReloader(eksDeploymentApiFor(harness.clients, toLocalApi()));

    await expect(reloader.reload(target("nowhere"), "v-1")).rejects.toThrow(/nowhere/);
    expect(kube.requests).toEqual([]);
  });

  it("names the missing cluster field when a consumer gives none", async () => {
    const reloader = kubernetesReloader(eksDeploymentApiFor(harness.clients, toLocalApi()));

    await expect(reloader.reload(target(), "v-1")).rejects.toThrow(
      "deployment payments/payments-api has no spec.reload.kubernetes.cluster: the rotation function reaches EKS clusters by name (or reload it with vaultpilot rotate, which uses the kubeconfig)",
    );
  });

  it("explains a refused token: the role needs an access entry", async () => {
    await createCluster("acme-prod");
    kube.addDeployment("payments", "payments-api");
    kube.failWith = 401;
    const reloader = kubernetesReloader(eksDeploymentApiFor(harness.clients, toLocalApi()));

    await expect(reloader.reload(target("acme-prod"), "v-1")).rejects.toThrow(
      "Kubernetes API answered 401 to PATCH /apis/apps/v1/namespaces/payments/deployments/payments-api: Unauthorized (the rotation role needs an EKS access entry that may patch deployments in this namespace)",
    );
  });

  it("rotates through the engine the Lambda runs, and rolls back when the deployment is missing", async () => {
    await createCluster("acme-prod");
    kube.addDeployment("payments", "payments-api");
    await harness.createSecret("acme/flags", { value: "old" });
    const config = {
      tenant: "acme",
      name: "flags",
      type: "generic",
      reload: [target("acme-prod")],
    } as const;
    const token = await harness.startRotation("acme/flags");
    await harness.runSteps("acme/flags", config, token, { kubernetes: "eks", eks: toLocalApi() });
    expect(
      kube.deployments.get("payments/payments-api")!.spec.template.metadata.annotations,
    ).toEqual({ [RESTART_ANNOTATION]: restartAnnotation(token) });

    kube.deployments.clear();
    const second = await harness.startRotation("acme/flags");
    await expect(
      harness.runSteps("acme/flags", config, second, { kubernetes: "eks", eks: toLocalApi() }),
    ).rejects.toThrow(/finishSecret of acme\/flags failed after 3 attempt/);
    expect((await harness.stages("acme/flags"))[token]).toContain("AWSCURRENT");
  });
});
