import {
  BackupClient,
  CreateBackupPlanCommand,
  CreateBackupSelectionCommand,
  CreateBackupVaultCommand,
  DescribeBackupVaultCommand,
  GetBackupPlanCommand,
  PutBackupVaultLockConfigurationCommand,
} from "@aws-sdk/client-backup";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  ReplicateKeyCommand,
} from "@aws-sdk/client-kms";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

// Contract: what the program records for umbrella's backup and disaster recovery (policies/) is
// accepted by AWS's APIs as moto implements them, and reads back equal. The recorded inputs are
// sent through the AWS SDK as the provider would send them (Pulumi names -> API names). moto has
// no CreateBackupSelection/ListBackupSelections (HTTP 500): the selection is checked by the
// program test and tsc only, and the probe below fails when moto gains them.

const model = validatePolicies("policies").model!;
const run = await runProgram(
  model,
  readStackSettings("test", () => undefined),
  {
    only: new Set(["umbrella"]),
  },
);
const one = (type: string, name: string): SubjectResource => {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const PRIMARY = "us-west-2";
const RECOVERY = "us-east-2";

interface RecordedLifecycle {
  deleteAfter?: number;
  coldStorageAfter?: number;
}
interface RecordedRule {
  ruleName: string;
  targetVaultName: string;
  schedule: string;
  lifecycle?: RecordedLifecycle;
  copyActions?: { destinationVaultArn: string; lifecycle?: RecordedLifecycle }[];
}
const lifecycle = (l: RecordedLifecycle | undefined) =>
  l && {
    DeleteAfterDays: l.deleteAfter,
    ...(l.coldStorageAfter !== undefined && { MoveToColdStorageAfterDays: l.coldStorageAfter }),
  };

let moto: MotoServer;
const client = <T>(make: new (config: object) => T, region: string) =>
  new make({ ...MOTO_CREDENTIALS, region, endpoint: moto.endpoint, maxAttempts: 1 });

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

describe("umbrella's backup against moto", () => {
  it("creates the vaults, the lock and the plan as recorded, and reads them back equal", async () => {
    const primary = client(BackupClient, PRIMARY);
    const recovery = client(BackupClient, RECOVERY);
    const vault = one("aws:backup/vault:Vault", "umbrella-vault").inputs;
    const copyVault = one("aws:backup/vault:Vault", "umbrella-copy-vault").inputs;
    const kms = client(KMSClient, PRIMARY);
    const key = await kms.send(new CreateKeyCommand({ MultiRegion: true }));

    await primary.send(
      new CreateBackupVaultCommand({
        BackupVaultName: vault.name as string,
        EncryptionKeyArn: key.KeyMetadata!.Arn,
        BackupVaultTags: vault.tags as Record<string, string>,
      }),
    );
    const created = await recovery.send(
      new CreateBackupVaultCommand({
        BackupVaultName: copyVault.name as string,
        BackupVaultTags: copyVault.tags as Record<string, string>,
      }),
    );
    const lock = one(
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      "umbrella-vault-lock",
    ).inputs as Record<string, number | string>;
    await primary.send(
      new PutBackupVaultLockConfigurationCommand({
        BackupVaultName: lock.backupVaultName as string,
        MinRetentionDays: lock.minRetentionDays as number,
        MaxRetentionDays: lock.maxRetentionDays as number,
        ChangeableForDays: lock.changeableForDays as number,
      }),
    );
    const described = await primary.send(
      new DescribeBackupVaultCommand({ BackupVaultName: vault.name as string }),
    );
    expect(described).toMatchObject({
      BackupVaultName: vault.name,
      EncryptionKeyArn: key.KeyMetadata!.Arn,
      Locked: true,
      MinRetentionDays: lock.minRetentionDays,
      MaxRetentionDays: lock.maxRetentionDays,
    });

    // The recorded copy destination is the mock's ARN of the copy vault; the real one comes from
    // moto (same name, the disaster-recovery region).
    const plan = one("aws:backup/plan:Plan", "umbrella-plan").inputs;
    const rules = plan.rules as RecordedRule[];
    for (const rule of rules)
      for (const copy of rule.copyActions ?? [])
        expect(copy.destinationVaultArn).toContain(RECOVERY);
    const sent = rules.map((rule) => ({
      RuleName: rule.ruleName,
      TargetBackupVaultName: rule.targetVaultName,
      ScheduleExpression: rule.schedule,
      Lifecycle: lifecycle(rule.lifecycle),
      CopyActions: (rule.copyActions ?? []).map((c) => ({
        DestinationBackupVaultArn: created.BackupVaultArn,
        Lifecycle: lifecycle(c.lifecycle),
      })),
    }));
    const { BackupPlanId } = await primary.send(
      new CreateBackupPlanCommand({
        BackupPlan: { BackupPlanName: plan.name as string, Rules: sent },
        BackupPlanTags: plan.tags as Record<string, string>,
      }),
    );
    const back = await primary.send(new GetBackupPlanCommand({ BackupPlanId }));
    expect(back.BackupPlan?.BackupPlanName).toBe(plan.name);
    expect(
      back.BackupPlan?.Rules?.map((r) => ({
        RuleName: r.RuleName,
        TargetBackupVaultName: r.TargetBackupVaultName,
        ScheduleExpression: r.ScheduleExpression,
        Lifecycle: r.Lifecycle,
        CopyActions: r.CopyActions,
      })),
    ).toEqual(sent);
    expect(sent.map((r) => r.Lifecycle)).toEqual([
      { DeleteAfterDays: 35 },
      { DeleteAfterDays: 365, MoveToColdStorageAfterDays: 90 },
    ]);

    // The selection: moto does not implement it (yet).
    const selection = one("aws:backup/selection:Selection", "umbrella-selection").inputs;
    await expect(
      primary.send(
        new CreateBackupSelectionCommand({
          BackupPlanId,
          BackupSelection: {
            SelectionName: selection.name as string,
            IamRoleArn: selection.iamRoleArn as string,
            ListOfTags: (
              selection.selectionTags as { type: string; key: string; value: string }[]
            ).map((t) => ({
              ConditionType: t.type as "STRINGEQUALS",
              ConditionKey: t.key,
              ConditionValue: t.value,
            })),
          },
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  }, 60_000);

  it("replicates the multi-region key to the disaster-recovery region, and each secret there under the replica", async () => {
    const key = one("aws:kms/key:Key", "umbrella-key").inputs;
    const replica = one("aws:kms/replicaKey:ReplicaKey", "umbrella-replica-key").inputs;
    const kms = client(KMSClient, PRIMARY);
    const created = await kms.send(
      new CreateKeyCommand({
        MultiRegion: key.multiRegion as boolean,
        Description: key.description as string,
        Policy: key.policy as string,
      }),
    );
    const replicated = await kms.send(
      new ReplicateKeyCommand({
        KeyId: created.KeyMetadata!.KeyId,
        ReplicaRegion: RECOVERY,
        Description: replica.description as string,
        Policy: replica.policy as string,
      }),
    );
    const there = await client(KMSClient, RECOVERY).send(
      new DescribeKeyCommand({ KeyId: replicated.ReplicaKeyMetadata!.Arn }),
    );
    // A multi-region replica shares the primary's key id (moto keeps the primary's description).
    expect(there.KeyMetadata?.KeyId).toBe(created.KeyMetadata!.KeyId);
    expect(there.KeyMetadata?.Arn).toContain(`:${RECOVERY}:`);

    const secret = run.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")!.inputs;
    const replicas = secret.replicas as { region: string; kmsKeyId: string }[];
    expect(replicas.map((r) => r.region)).toEqual([RECOVERY]);
    const sm = client(SecretsManagerClient, PRIMARY);
    await sm.send(
      new CreateSecretCommand({
        Name: secret.name as string,
        KmsKeyId: created.KeyMetadata!.Arn,
        AddReplicaRegions: replicas.map((r) => ({
          Region: r.region,
          KmsKeyId: replicated.ReplicaKeyMetadata!.Arn,
        })),
      }),
    );
    const status = await sm.send(new DescribeSecretCommand({ SecretId: secret.name as string }));
    // moto 5.2.1 reports every replica's KmsKeyId as alias/aws/secretsmanager whatever was sent
    // (ReplicaSecret in moto/secretsmanager/models.py): the region and state are what it keeps.
    expect(status.ReplicationStatus?.map((r) => ({ Region: r.Region, Status: r.Status }))).toEqual([
      { Region: RECOVERY, Status: "InSync" },
    ]);
  }, 60_000);
});
