/**
 * Inputs that AWS cannot change on an existing resource, by Pulumi type: changing one makes
 * `pulumi up` delete and recreate the resource (the provider marks them "forces replacement"). The
 * plan shows such an update as a replacement. Each entry says why AWS cannot change it in place.
 * Only resources the program makes, and only the inputs it sets, are listed.
 */
export const REPLACING_INPUTS: Readonly<Record<string, readonly string[]>> = {
  // KMS CreateKey: "You can't change the MultiRegion value after the KMS key is created."
  "aws:kms/key:Key": ["multiRegion"],
  // KMS ReplicateKey makes a replica of one primary; nothing moves a replica to another.
  "aws:kms/replicaKey:ReplicaKey": ["primaryKeyArn"],
  // AWS Backup has no UpdateBackupVault: a vault's name and key are set by CreateBackupVault.
  "aws:backup/vault:Vault": ["name", "kmsKeyArn"],
  // PutBackupVaultLockConfiguration names the vault; the lock moves with no other vault.
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": ["backupVaultName"],
  // Secrets Manager has no rename.
  "aws:secretsmanager/secret:Secret": ["name"],
};

/** The inputs among `paths` (dotted, as the diff gives them) whose change replaces a `type`. */
export function replacingChanges(type: string, paths: readonly string[]): string[] {
  const inputs = REPLACING_INPUTS[type] ?? [];
  const top = (path: string) => path.split(/[.[]/)[0]!;
  return [...new Set(paths.map(top).filter((input) => inputs.includes(input)))];
}
