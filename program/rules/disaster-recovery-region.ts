import { partitionOf, regionsOf } from "../aws-regions.js";
import { closest } from "../did-you-mean.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * A tenant's disaster-recovery region is a real AWS region (botocore's endpoints data, kept in
 * program/aws-regions.json), not the tenant's own region (a copy there survives nothing the
 * original does not), and of the same partition (KMS multi-region keys and Secrets Manager replicas
 * stay within one partition). Backups copied "to disaster recovery" need such a region declared.
 */
export const disasterRecoveryRegion: PolicyRule = {
  id: "disaster-recovery-region",
  severity: "error",
  description:
    "spec.disasterRecovery.region is a real AWS region of the tenant's partition, not its own region; backups copied to disaster recovery need it.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const { aws, disasterRecovery, backup } = tenant.spec;
      if (!disasterRecovery) {
        if (backup?.copyToDisasterRecovery === true) {
          diagnostics.push(
            report(
              this,
              tenant,
              ["spec", "backup", "copyToDisasterRecovery"],
              `tenant "${tenant.name}" copies backups to disaster recovery but declares no region: ` +
                `add spec.disasterRecovery.region, or remove copyToDisasterRecovery`,
            ),
          );
        }
        continue;
      }
      const at = ["spec", "disasterRecovery", "region"];
      const region = disasterRecovery.region;
      const partition = partitionOf(region);
      const home = partitionOf(aws.region);
      if (partition === undefined) {
        const near = closest(region, regionsOf(home ?? "aws"));
        diagnostics.push(
          report(
            this,
            tenant,
            at,
            `"${region}" is not an AWS region: ` +
              (near ? `did you mean "${near}"?` : `use a region such as "us-east-2"`),
          ),
        );
      } else if (region === aws.region) {
        diagnostics.push(
          report(
            this,
            tenant,
            at,
            `the disaster-recovery region "${region}" is tenant "${tenant.name}"'s own region: ` +
              `use another region of the ${partition} partition`,
          ),
        );
      } else if (home !== undefined && partition !== home) {
        diagnostics.push(
          report(
            this,
            tenant,
            at,
            `"${region}" is in the ${partition} partition and tenant "${tenant.name}"'s region "${aws.region}" ` +
              `in ${home}: keys and secrets replicate only within a partition; use a region of ${home}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
