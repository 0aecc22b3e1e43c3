import { CreateRoleCommand } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
} from "@aws-sdk/client-kms";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type RotateSecretCommandInput,
} from "@aws-sdk/client-secrets-manager";
import { expectedState, type ExpectedTenant } from "../../cloud/aws/expected.js";
import type { PolicyModel } from "../../program/model.js";
import { accountSdk, type AccountSdk } from "./moto-accounts.js";

/** A zip archive holding one empty file: moto stores the function and, without Docker, never runs it. */
export const EMPTY_ZIP = Buffer.from(
  "UEsDBBQAAAAAAE40eF0AAAAAAAAAAAAAAAAIAAAAaW5kZXguanNQSwECFAMUAAAAAABONHhdAAAAAAAAAAAAAAAACAAAAAAAAAAAAAAAgAEAAAAAaW5kZXguanNQSwUGAAAAAAEAAQA2AAAAJgAAAAAA",
  "base64",
);

/**
 * Seeds moto with what drift expects for `model`, computed from drift's own naming (not from the
 * program's plan): for benchmarks and for checks that the plan does not cover. Each secret ends
 * as after a successful first rotation: rotation on, one AWSCURRENT version holding `value`.
 */
export async function seedFromModel(
  endpoint: string,
  model: PolicyModel,
  options: { value: string; concurrency?: number },
): Promise<void> {
  const tenants = expectedState(model);
  await seedTenants(endpoint, tenants, options);
}

export async function seedTenants(
  endpoint: string,
  tenants: readonly ExpectedTenant[],
  options: { value: string; concurrency?: number },
): Promise<void> {
  const sdks = new Map<string, AccountSdk>();
  try {
    for (const tenant of tenants) {
      const key = `${tenant.account}/${tenant.region}`;
      let sdk = sdks.get(key);
      if (!sdk) {
        sdk = await accountSdk(endpoint, tenant.account, tenant.region);
        sdks.set(key, sdk);
        await sdk.iam
          .send(
            new CreateRoleCommand({
              RoleName: "vaultpilot-rotation",
              AssumeRolePolicyDocument: "{}",
            }),
          )
          .catch((error: Error) => {
            if (error.name !== "EntityAlreadyExists") throw error;
          });
      }
      await seedTenant(sdk, tenant, options);
    }
  } finally {
    for (const sdk of sdks.values()) sdk.destroy();
  }
}

async function seedTenant(
  sdk: AccountSdk,
  tenant: ExpectedTenant,
  options: { value: string; concurrency?: number },
): Promise<void> {
  const { KeyMetadata } = await sdk.kms.send(
    new CreateKeyCommand({ Description: `vaultpilot ${tenant.name}` }),
  );
  const keyArn = KeyMetadata!.Arn!;
  await sdk.kms.send(new EnableKeyRotationCommand({ KeyId: KeyMetadata!.KeyId! }));
  await sdk.kms.send(
    new CreateAliasCommand({ AliasName: tenant.keyAlias, TargetKeyId: KeyMetadata!.KeyId! }),
  );
  const functions = new Map<string, string>();
  for (const fn of new Set(tenant.secrets.map((s) => s.functionName))) {
    const created = await sdk.lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn,
        Runtime: "nodejs22.x",
        Role: `arn:aws:iam::${tenant.account}:role/vaultpilot-rotation`,
        Handler: "index.handler",
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
    functions.set(fn, created.FunctionArn!);
  }
  const queue = [...tenant.secrets];
  const worker = async () => {
    for (let secret = queue.shift(); secret; secret = queue.shift()) {
      const created = await sdk.secrets.send(
        new CreateSecretCommand({
          Name: secret.name,
          KmsKeyId: keyArn,
          SecretString: options.value,
          Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      await rotateOnce(sdk, created.ARN!, created.VersionId!, options.value, {
        RotationLambdaARN: functions.get(secret.functionName)!,
        RotationRules: { AutomaticallyAfterDays: secret.rotation.everyDays },
      });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
}

/**
 * RotateSecret, then the rotation function's work done here (moto without Docker invokes
 * nothing): the AWSPENDING version gets `value` and becomes AWSCURRENT. Returns the new version.
 */
export async function rotateOnce(
  sdk: AccountSdk,
  arn: string,
  currentVersion: string,
  value: string,
  rotation: Omit<RotateSecretCommandInput, "SecretId">,
): Promise<string> {
  const { VersionId: pending } = await sdk.secrets.send(
    new RotateSecretCommand({ SecretId: arn, ...rotation }),
  );
  await sdk.secrets.send(
    new PutSecretValueCommand({
      SecretId: arn,
      ClientRequestToken: pending!,
      SecretString: value,
      VersionStages: ["AWSPENDING"],
    }),
  );
  await sdk.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: arn,
      VersionStage: "AWSCURRENT",
      MoveToVersionId: pending!,
      RemoveFromVersionId: currentVersion,
    }),
  );
  await sdk.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: arn,
      VersionStage: "AWSPENDING",
      RemoveFromVersionId: pending!,
    }),
  );
  return pending!;
}
