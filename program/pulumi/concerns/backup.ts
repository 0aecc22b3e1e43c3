import { topicArn } from "../../../cloud/aws/naming.js";
import { TenantBackup } from "../../../components/aws/tenant-backup.js";
import { defineConcern } from "./concern.js";

/**
 * The tenant's backups (spec.backup): its vault, plan, selection and vault lock, with copies to
 * the disaster-recovery region under the replica of its key when the tenant declares one.
 */
export const backup = defineConcern({
  name: "backup",
  settings: () => ({}),
  components: ({ tenant, scope, key, disasterRecovery, options }) => {
    const policy = tenant.backup;
    if (!policy) return [];
    const copyTo =
      policy.copyToRegion !== undefined && disasterRecovery
        ? {
            region: disasterRecovery.region,
            kmsKeyArn: disasterRecovery.keyArn,
            provider: disasterRecovery.provider,
          }
        : undefined;
    return [
      new TenantBackup(
        tenant.name,
        {
          scope,
          kmsKeyArn: key.keyArn,
          daily: policy.daily,
          weekly: policy.weekly,
          selectionTags: policy.selectionTags,
          ...(policy.vaultLock && { vaultLock: policy.vaultLock }),
          ...(copyTo && { copyTo }),
          // The alarms concern's topic (its ARN is a pure function of names).
          alarmTopicArn: topicArn(scope),
        },
        options,
      ),
    ];
  },
});
