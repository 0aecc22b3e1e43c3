import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll } from "vitest";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import { secretsManagerStore } from "../../components/rotation/aws/secrets-store.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { storeConformance } from "./store-conformance.js";

let moto: MotoServer;
let clients: AwsClients;
let sm: SecretsManagerClient;
let made = 0;

beforeAll(async () => {
  moto = await startMoto({ awsRules: true });
  clients = new AwsClients({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
  sm = new SecretsManagerClient({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
});

afterAll(async () => {
  clients?.destroy();
  sm?.destroy();
  await moto?.stop();
});

storeConformance(
  "Secrets Manager (moto with AWS's PutSecretValue and UpdateSecretVersionStage rules)",
  async () => ({
    store: secretsManagerStore(clients),
    async createSecret(value) {
      const name = `conformance/secret-${++made}`;
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      return name;
    },
  }),
);
