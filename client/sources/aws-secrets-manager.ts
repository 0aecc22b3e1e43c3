import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { secretName } from "../../cloud/aws/naming.js";
import {
  SourceSecretNotFound,
  type ReadStage,
  type SecretRef,
  type SecretSource,
  type SourcedValue,
} from "../source.js";
import { classifyAwsError } from "./aws-errors.js";

const LABEL: Record<ReadStage, string> = { current: "AWSCURRENT", previous: "AWSPREVIOUS" };

/** Secrets Manager: the secret `vaultpilot/<tenant>/<name>`, stages as AWSCURRENT and AWSPREVIOUS. */
export class SecretsManagerSource implements SecretSource {
  readonly kind = "aws-secrets-manager";

  constructor(
    private readonly client: SecretsManagerClient,
    /** The secret's id in Secrets Manager. @default - vaultpilot/<tenant>/<name>, as the program names it */
    private readonly secretId: (ref: SecretRef) => string = (ref) =>
      secretName(ref.tenant, ref.name),
  ) {}

  async versionAt(ref: SecretRef, stage: ReadStage): Promise<string | undefined> {
    const id = this.secretId(ref);
    let response;
    try {
      response = await this.client.send(new DescribeSecretCommand({ SecretId: id }));
    } catch (error) {
      throw classifyAwsError(error, `DescribeSecret ${id}`);
    }
    const versions = Object.entries(response.VersionIdsToStages ?? {});
    return versions.find(([, stages]) => stages.includes(LABEL[stage]))?.[0];
  }

  async read(ref: SecretRef, stage: ReadStage): Promise<SourcedValue> {
    const id = this.secretId(ref);
    let response;
    try {
      response = await this.client.send(
        new GetSecretValueCommand({ SecretId: id, VersionStage: LABEL[stage] }),
      );
    } catch (error) {
      throw classifyAwsError(error, `GetSecretValue ${id} at ${LABEL[stage]}`);
    }
    const value = response.SecretString ?? response.SecretBinary;
    if (!response.VersionId || value === undefined) {
      throw new SourceSecretNotFound(`GetSecretValue ${id} at ${LABEL[stage]}: no value`);
    }
    return { versionId: response.VersionId, value };
  }

  close(): void {
    this.client.destroy();
  }
}
