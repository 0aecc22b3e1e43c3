import { execFile, execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CONFIG_FILE,
  handlerConfigFor,
  type ReloadTarget,
} from "../../components/rotation/config.js";
import { EKS_ENDPOINT_VARIABLE } from "../../components/rotation/reload/eks-options.js";
import {
  RESTART_ANNOTATION,
  restartAnnotation,
} from "../../components/rotation/reload/kubernetes.js";
import { startKubernetesApi, type KubernetesApi } from "../support/kubernetes-api.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { RotationHarness } from "./harness.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const bundle = join(root, "dist", "rotation");

let moto: MotoServer;
let harness: RotationHarness;
let kube: KubernetesApi;
let eks: EKSClient;
let lambdaRoot: string;

/** The newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((latest, e) => Math.max(latest, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
}

/**
 * dist/rotation as the Lambda gets it: the bundle alone in a directory of its own, next to a
 * node_modules that holds only what the Node.js Lambda runtime ships (@aws-sdk and @smithy).
 */
function lambdaCopy(): string {
  const index = join(bundle, "index.mjs");
  const sources = Math.max(newest(join(root, "components")), newest(join(root, "program")));
  if (!existsSync(index) || statSync(index).mtimeMs < sources)
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], {
      cwd: root,
      stdio: "ignore",
    });
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-lambda-"));
  cpSync(bundle, dir, { recursive: true });
  mkdirSync(join(dir, "node_modules"));
  for (const scope of ["@aws-sdk", "@smithy"])
    symlinkSync(join(root, "node_modules", scope), join(dir, "node_modules", scope), "dir");
  return dir;
}

/**
 * Runs `script` with the copy as its directory and only `env` in its environment: CommonJS in
 * run.cjs, or an ES module in run.mjs (the bundle is one: it is imported, as the Lambda runtime does).
 */
async function node(
  script: string,
  args: string[],
  env: Record<string, string>,
  kind: "cjs" | "mjs" = "cjs",
) {
  const file = join(lambdaRoot, `run.${kind}`);
  writeFileSync(file, script);
  return run(process.execPath, [file, ...args], {
    cwd: lambdaRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
}

beforeAll(async () => {
  lambdaRoot = lambdaCopy();
  moto = await startMoto({ awsRules: true });
  harness = new RotationHarness(moto);
  kube = await startKubernetesApi();
  eks = new EKSClient({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
}, 60_000);

afterAll(async () => {
  eks?.destroy();
  await harness?.close();
  await moto?.stop();
  await kube?.close();
  if (lambdaRoot) rmSync(lambdaRoot, { recursive: true, force: true });
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  kube.reset();
});

/** `file` and the chunks it imports statically, transitively: what loading it loads. */
function staticallyLoaded(dir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), "utf8");
  for (const [, chunk] of code.matchAll(/(?:from|import)\s*"\.\/(chunk-[A-Z0-9]+\.mjs)"/g))
    staticallyLoaded(dir, chunk!, seen);
  return seen;
}

describe("the Lambda bundle with only what the Lambda runtime ships", () => {
  it("loads at most 500 KB for every rotation; the Azure SDKs only when a secret goes to Azure", () => {
    const loaded = [...staticallyLoaded(lambdaRoot, "index.mjs")];
    const code = loaded.map((f) => readFileSync(join(lambdaRoot, f), "utf8")).join("\n");
    const bytes = loaded.reduce((sum, f) => sum + statSync(join(lambdaRoot, f)).size, 0);

    expect(bytes).toBeLessThanOrEqual(500 * 1024);
    // MSAL (under @azure/identity) and the Key Vault client are chunks of their own, imported on use.
    expect(code).not.toMatch(/msal/i);
    expect(code).not.toContain("keyvault-secrets");
    const shipped = readdirSync(lambdaRoot).filter((f) => f.endsWith(".mjs"));
    expect(shipped.some((f) => /msal/i.test(readFileSync(join(lambdaRoot, f), "utf8")))).toBe(true);
  });

  it("resolves the AWS SDK and nothing else of the project's packages", async () => {
    // The directories above the copy must not lend it a node_modules either.
    for (let dir = dirname(lambdaRoot); dir !== dirname(dir); dir = dirname(dir))
      expect(existsSync(join(dir, "node_modules")), dir).toBe(false);
    const packages = [
      "@aws-sdk/client-eks",
      "@aws-sdk/client-secrets-manager",
      "@smithy/signature-v4",
      "@kubernetes/client-node",
      "pg",
      "mysql2",
      "yaml",
    ];
    const script = `const found = [];
for (const p of ${JSON.stringify(packages)}) { try { require.resolve(p); found.push(p); } catch {} }
process.stdout.write(JSON.stringify(found));`;

    const { stdout } = await node(script, [], {});

    expect(JSON.parse(stdout)).toEqual([
      "@aws-sdk/client-eks",
      "@aws-sdk/client-secrets-manager",
      "@smithy/signature-v4",
    ]);
  });

  it("rotates a secret and restarts its Kubernetes consumer on EKS through the handler", async () => {
    await eks.send(
      new CreateClusterCommand({
        name: "acme-prod",
        roleArn: "arn:aws:iam::123456789012:role/eks-cluster",
        resourcesVpcConfig: { subnetIds: ["subnet-1"] },
      }),
    );
    kube.addDeployment("payments", "payments-api", 2);
    const name = "vaultpilot/acme/stripe-api-key";
    await harness.createSecret(name, { apiKey: "old-key" });
    const reload: ReloadTarget[] = [
      {
        service: "payments-api",
        runtime: "kubernetes",
        kubernetes: { cluster: "acme-prod", namespace: "payments", deployment: "payments-api" },
      },
    ];
    writeFileSync(
      join(lambdaRoot, CONFIG_FILE),
      JSON.stringify(
        handlerConfigFor([{ tenant: "acme", name: "stripe-api-key", type: "api-key", reload }]),
      ),
    );
    const token = await harness.startRotation(name);
    const script = `import { handler } from "./index.mjs";
try {
  for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"])
    await handler({ Step, SecretId: process.argv[2], ClientRequestToken: process.argv[3] });
} catch (error) { process.stderr.write(error.message + "\\n"); process.exit(1); }`;

    const { stdout } = await node(
      script,
      [name, token],
      {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        LAMBDA_TASK_ROOT: lambdaRoot,
        // moto's cluster endpoint is a made-up host: the requests go to the test's own API server.
        [EKS_ENDPOINT_VARIABLE]: kube.url,
        NODE_EXTRA_CA_CERTS: kube.caFile,
      },
      "mjs",
    );

    expect(kube.deployments.get("payments/payments-api")!.spec.template.metadata).toEqual({
      annotations: { [RESTART_ANNOTATION]: restartAnnotation(token) },
    });
    expect(kube.requests.map((r) => r.method)).toEqual(["PATCH", "GET"]);
    for (const request of kube.requests)
      expect(request.authorization).toMatch(/^Bearer k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect((await harness.stages(name))[token]).toContain("AWSCURRENT");
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { step: string; outcome: string });
    expect(events).toContainEqual(
      expect.objectContaining({ step: "reload:payments-api", outcome: "succeeded" }),
    );
  });
});
