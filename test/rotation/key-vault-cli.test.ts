import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AWS_VERSION_TAG } from "../../components/rotation/azure/key-vault-writer.js";
import { buildCli, runBuiltCliAsync } from "../support/built-cli.js";
import { startKeyVaultStandin, type KeyVaultStandin } from "../support/keyvault-standin.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { CANARY, RotationHarness } from "./harness.js";

// `vaultpilot rotate` as a user runs it, built, against moto and the Key Vault stand-in (trusted
// through NODE_EXTRA_CA_CERTS, signed in to through AZURE_AUTHORITY_HOST): the example tenant
// globex delivers sendgrid-key to its Key Vault as sendgrid-api-key.
const GLOBEX_ENTRA_TENANT = "9d3e6b1a-2c4f-4e8d-b7a0-61f5c2d9e3a4";
const SECRET = "vaultpilot/globex/sendgrid-key";

let moto: MotoServer;
let standin: KeyVaultStandin;
let harness: RotationHarness;

beforeAll(async () => {
  buildCli();
  [moto, standin] = await Promise.all([
    startMoto({ awsRules: true }),
    startKeyVaultStandin({ entraTenantId: GLOBEX_ENTRA_TENANT }),
  ]);
  harness = new RotationHarness(moto);
}, 300_000);

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), standin?.close()]);
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
});

const env = (clientSecret: string) => ({
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_REGION: MOTO_CREDENTIALS.region,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  VAULTPILOT_RETRY_DELAY_MS: "5",
  NODE_EXTRA_CA_CERTS: standin.caFile,
  AZURE_AUTHORITY_HOST: standin.url,
  AZURE_CLIENT_ID: standin.clientId,
  AZURE_CLIENT_SECRET: clientSecret,
  VAULTPILOT_AZURE_KEY_VAULT_URL: standin.url,
});

describe("vaultpilot rotate of a secret delivered to Azure Key Vault", () => {
  it("writes the new value to the Key Vault as a new version tagged with the AWS version", async () => {
    await harness.createSecret(SECRET, { apiKey: CANARY });

    const rotated = await runBuiltCliAsync(
      ["rotate", "globex/sendgrid-key", "--policies", "policies"],
      {
        env: env(standin.clientSecret),
      },
    );
    expect(rotated.stderr.split("\n").filter((l) => l.startsWith("vaultpilot:"))).toEqual([]);
    expect(rotated.status).toBe(0);

    const current = await harness.clients
      .secretsManager()
      .send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: "AWSCURRENT" }));
    const [copy, ...more] = standin.versions("sendgrid-api-key");
    expect(more).toEqual([]);
    expect(copy!.value).toBe(current.SecretString);
    expect(JSON.parse(copy!.value).apiKey).not.toBe(CANARY);
    expect(copy!.tags).toEqual({ [AWS_VERSION_TAG]: current.VersionId });
    expect(copy!.contentType).toBe("text/plain");
    for (const text of [rotated.stdout, rotated.stderr]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(current.SecretString!);
    }
  }, 120_000);

  it("keeps the AWS rotation when the copy fails, and says so", async () => {
    await harness.createSecret(SECRET, { apiKey: CANARY });
    const before = standin.versions("sendgrid-api-key").length;

    const rotated = await runBuiltCliAsync(
      ["rotate", "globex/sendgrid-key", "--policies", "policies"],
      {
        env: env("not-the-client-secret"),
      },
    );
    expect(rotated.status).toBe(0);
    const current = await harness.clients
      .secretsManager()
      .send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: "AWSCURRENT" }));
    expect(JSON.parse(current.SecretString!).apiKey).not.toBe(CANARY);
    expect(standin.versions("sendgrid-api-key")).toHaveLength(before);
    const output = rotated.stdout + rotated.stderr;
    expect(output).toContain("replicate:azure-key-vault");
    expect(output).not.toContain("not-the-client-secret");
    expect(output).not.toContain(current.SecretString!);
  }, 120_000);
});
