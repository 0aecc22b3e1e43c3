import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { AwsClients } from "../aws/clients.js";
import type { SecretValue, Strategy } from "../strategy.js";

/**
 * aws-iam-key: {"userName", "accessKeyId", "secretAccessKey"}. createSecret makes a second key
 * (IAM allows two); finishSecret deactivates, then deletes, the old one. Never more than two.
 */
function field(value: SecretValue, name: string): string {
  const found = value[name];
  if (typeof found !== "string" || !found)
    throw new Error(`the aws-iam-key secret has no "${name}" field`);
  return found;
}

/** The one strategy that is about AWS itself: it gets its own clients, not the engine's. */
export const awsIamKey = (aws: AwsClients): Strategy => ({
  async create(current) {
    const iam = aws.iam();
    const userName = field(current, "userName");
    const currentKey = field(current, "accessKeyId");
    const keys =
      (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
    // A key left by an earlier failed rotation would make a third: remove it first.
    for (const key of keys) {
      if (key.AccessKeyId && key.AccessKeyId !== currentKey) {
        await iam.send(
          new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId }),
        );
      }
    }
    const made = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const key = made.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey)
      throw new Error("CreateAccessKey returned no key");
    return {
      ...current,
      userName,
      accessKeyId: key.AccessKeyId,
      secretAccessKey: key.SecretAccessKey,
    };
  },
  async set() {},
  async test(pending) {
    const sts = aws.withCredentials({
      accessKeyId: field(pending, "accessKeyId"),
      secretAccessKey: field(pending, "secretAccessKey"),
    });
    try {
      await sts.sts().send(new GetCallerIdentityCommand({}));
    } finally {
      sts.destroy();
    }
  },
  async retire(old, current) {
    const oldKey = field(old, "accessKeyId");
    if (oldKey === field(current, "accessKeyId")) return;
    const iam = aws.iam();
    const userName = field(old, "userName");
    // A finishSecret run again after a crash finds the old key already gone: that is done.
    const gone = (error: { name?: string }) => {
      if (error.name !== "NoSuchEntityException") throw error;
    };
    await iam
      .send(
        new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: oldKey, Status: "Inactive" }),
      )
      .catch(gone);
    await iam
      .send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: oldKey }))
      .catch(gone);
  },
  async revert(values) {
    const failedKey = field(values.failed, "accessKeyId");
    if (failedKey === field(values.restore, "accessKeyId")) return;
    await aws
      .iam()
      .send(
        new DeleteAccessKeyCommand({
          UserName: field(values.failed, "userName"),
          AccessKeyId: failedKey,
        }),
      )
      .catch((error: { name?: string }) => {
        if (error.name !== "NoSuchEntityException") throw error;
      });
  },
});
