import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  ListSecretVersionIdsCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

const TOKEN = "11111111-1111-4111-a111-111111111111";
let plain: MotoServer;
let restored: MotoServer;

beforeAll(async () => {
  [plain, restored] = await Promise.all([startMoto(), startMoto({ awsRules: true })]);
});

afterAll(async () => {
  await Promise.all([plain?.stop(), restored?.stop()]);
});

async function withClient<T>(moto: MotoServer, use: (sm: SecretsManagerClient) => Promise<T>) {
  const sm = new SecretsManagerClient({
    ...MOTO_CREDENTIALS,
    endpoint: moto.endpoint,
    maxAttempts: 1,
  });
  try {
    return await use(sm);
  } finally {
    sm.destroy();
  }
}

/** A secret with version TOKEN labelled AWSPENDING and holding `{"v":"first"}`. */
async function pendingSecret(sm: SecretsManagerClient, name: string) {
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: '{"v":"current"}' }));
  await sm.send(
    new PutSecretValueCommand({
      SecretId: name,
      ClientRequestToken: TOKEN,
      SecretString: '{"v":"first"}',
      VersionStages: ["AWSPENDING"],
    }),
  );
}

describe("moto_aws_rules.py (moto's server with two Secrets Manager rules restored)", () => {
  it("refuses another value for an existing ClientRequestToken with ResourceExistsException, where moto overwrites it", async () => {
    const tryOverwrite = (moto: MotoServer) =>
      withClient(moto, async (sm) => {
        await pendingSecret(sm, "rules/put");
        const error = await sm
          .send(
            new PutSecretValueCommand({
              SecretId: "rules/put",
              ClientRequestToken: TOKEN,
              SecretString: '{"v":"second"}',
              VersionStages: ["AWSPENDING"],
            }),
          )
          .then(
            () => undefined,
            (e: Error) => e.name,
          );
        const same = await sm.send(
          new PutSecretValueCommand({
            SecretId: "rules/put",
            ClientRequestToken: TOKEN,
            SecretString: '{"v":"first"}',
            VersionStages: ["AWSPENDING"],
          }),
        );
        return { error, sameAccepted: same.VersionId === TOKEN };
      });

    expect(await tryOverwrite(restored)).toEqual({
      error: "ResourceExistsException",
      sameAccepted: true,
    });
    expect((await tryOverwrite(plain)).error).toBeUndefined();
  });

  it("refuses to move a label another version holds unless RemoveFromVersionId names it, where moto puts it on two", async () => {
    const tryMove = (moto: MotoServer) =>
      withClient(moto, async (sm) => {
        await pendingSecret(sm, "rules/move");
        const other = "22222222-2222-4222-a222-222222222222";
        await sm.send(
          new PutSecretValueCommand({
            SecretId: "rules/move",
            ClientRequestToken: other,
            SecretString: '{"v":"other"}',
            VersionStages: ["CUSTOM"],
          }),
        );
        const error = await sm
          .send(
            new UpdateSecretVersionStageCommand({
              SecretId: "rules/move",
              VersionStage: "AWSPENDING",
              MoveToVersionId: other,
            }),
          )
          .then(
            () => undefined,
            (e: Error) => e.name,
          );
        const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: "rules/move" }));
        const holders = (listed.Versions ?? []).filter((v) =>
          v.VersionStages?.includes("AWSPENDING"),
        );
        return { error, holders: holders.length };
      });

    expect(await tryMove(restored)).toEqual({ error: "InvalidParameterException", holders: 1 });
    expect(await tryMove(plain)).toEqual({ error: undefined, holders: 2 });
  });
});
