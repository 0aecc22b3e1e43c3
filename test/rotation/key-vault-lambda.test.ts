import { execFile, execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_VERSION_TAG } from "../../components/rotation/azure/key-vault-writer.js";
import { CONFIG_FILE, handlerConfigFor, rotationConfigFor } from "../../program/rotation-config.js";
import { validatePolicies } from "../../program/validate.js";
import { startKeyVaultStandin, type KeyVaultStandin } from "../support/keyvault-standin.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { CANARY, RotationHarness } from "./harness.js";

// The rotation Lambda's bundle, alone beside what the Lambda runtime ships (@aws-sdk, @smithy), as
// the Pulumi program configures it with vaultpilot:azureCredentialSecret: it reads the Entra client
// credential from Secrets Manager (moto) and writes the new version to the Key Vault stand-in.
const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const CREDENTIAL = "vaultpilot/azure-writer";
const SECRET = "vaultpilot/globex/sendgrid-key";

let moto: MotoServer;
let standin: KeyVaultStandin;
let harness: RotationHarness;
let lambdaRoot: string;

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "rotation", "index.mjs")))
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], {
      cwd: root,
      stdio: "ignore",
    });
  lambdaRoot = mkdtempSync(join(tmpdir(), "vaultpilot-lambda-azure-"));
  cpSync(join(root, "dist", "rotation"), lambdaRoot, { recursive: true });
  mkdirSync(join(lambdaRoot, "node_modules"));
  for (const scope of ["@aws-sdk", "@smithy"])
    symlinkSync(join(root, "node_modules", scope), join(lambdaRoot, "node_modules", scope), "dir");
  [moto, standin] = await Promise.all([
    startMoto({ awsRules: true }),
    startKeyVaultStandin({ entraTenantId: "9d3e6b1a-2c4f-4e8d-b7a0-61f5c2d9e3a4" }),
  ]);
  harness = new RotationHarness(moto);
  await harness.prepare();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), standin?.close()]);
  if (lambdaRoot) rmSync(lambdaRoot, { recursive: true, force: true });
});

describe("the rotation Lambda's Azure credential", () => {
  it("comes from the Secrets Manager secret the stack names, and the bundle writes the Key Vault version", async () => {
    const globex = validatePolicies("policies").model!.tenants.find((t) => t.name === "globex")!;
    const secret = globex.secrets.find((s) => s.name === "sendgrid-key")!;
    const config = rotationConfigFor(secret, { azureCredentialSecret: CREDENTIAL });
    writeFileSync(join(lambdaRoot, CONFIG_FILE), JSON.stringify(handlerConfigFor([config])));
    await harness.createSecret(CREDENTIAL, {
      clientId: standin.clientId,
      clientSecret: standin.clientSecret,
    });
    await harness.createSecret(SECRET, { apiKey: CANARY });
    const token = await harness.startRotation(SECRET);

    writeFileSync(
      join(lambdaRoot, "run.mjs"),
      `import { handler } from "./index.mjs";
try {
  for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"])
    await handler({ Step, SecretId: process.argv[2], ClientRequestToken: process.argv[3] });
} catch (error) { process.stderr.write(error.message + "\\n"); process.exit(1); }`,
    );
    const { stdout, stderr } = await run(
      process.execPath,
      [join(lambdaRoot, "run.mjs"), SECRET, token],
      {
        cwd: lambdaRoot,
        env: {
          PATH: process.env.PATH ?? "",
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          LAMBDA_TASK_ROOT: lambdaRoot,
          NODE_EXTRA_CA_CERTS: standin.caFile,
          AZURE_AUTHORITY_HOST: standin.url,
          VAULTPILOT_AZURE_KEY_VAULT_URL: standin.url,
        },
      },
    );

    const [copy, ...more] = standin.versions("sendgrid-api-key");
    expect(more).toEqual([]);
    expect(copy!.tags).toEqual({ [AWS_VERSION_TAG]: token });
    expect(JSON.parse(copy!.value).apiKey).not.toBe(CANARY);
    expect((await harness.stages(SECRET))[token]).toContain("AWSCURRENT");
    const events = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { step: string; outcome: string });
    expect(events).toContainEqual(
      expect.objectContaining({ step: "replicate:azure-key-vault", outcome: "succeeded" }),
    );
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(standin.clientSecret);
      expect(text).not.toContain(copy!.value);
      expect(text).not.toContain(CANARY);
    }
  }, 120_000);
});
