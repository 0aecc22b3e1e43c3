import { describe, expect, it } from "vitest";
import { partitionOf, REGIONS_SOURCE } from "../../program/aws-regions.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";
import { tenantWith } from "./backup-support.js";

const region = (name: string) => tenantWith(`  disasterRecovery:\n    region: ${name}\n`);

describe("rule disaster-recovery-region", () => {
  it("accepts another region of the tenant's partition", () => {
    expect(reported(region("us-west-2"), "disaster-recovery-region")).toEqual([]);
  });

  it("reports a region AWS does not have at its value, with the nearest real one", () => {
    // The tenant is lines 1-9; disasterRecovery on 10, region on 11 after "    region: ".
    const [found, ...rest] = reported(region("us-west-9"), "disaster-recovery-region");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:11:13",
      severity: "error",
      message: '"us-west-9" is not an AWS region: did you mean "us-west-1"?',
    });
    expectHelpfulMessage(found!.message, "us-west-9");
  });

  it("reports the tenant's own region", () => {
    const [found] = reported(region("us-east-1"), "disaster-recovery-region");
    expect(found?.where).toBe("acme.yaml:11:13");
    expect(found?.message).toContain(`"us-east-1" is tenant "acme"'s own region`);
    expectHelpfulMessage(found!.message, "us-east-1", "acme");
  });

  it("reports a region of another partition (KMS and Secrets Manager replicate within one)", () => {
    const [found] = reported(region("cn-north-1"), "disaster-recovery-region");
    expect(found?.message).toBe(
      `"cn-north-1" is in the aws-cn partition and tenant "acme"'s region "us-east-1" in aws: ` +
        "keys and secrets replicate only within a partition; use a region of aws",
    );
  });

  it("reports a backup copied to disaster recovery without a region, at copyToDisasterRecovery", () => {
    const result = tenantWith("  backup:\n    copyToDisasterRecovery: true\n");
    const [found] = reported(result, "disaster-recovery-region");
    expect(found?.where).toBe("acme.yaml:11:29");
    expectHelpfulMessage(found!.message, "acme");
  });

  it("knows the regions from botocore's endpoints data, by partition", () => {
    expect(REGIONS_SOURCE).toMatch(/^botocore \d+\.\d+\.\d+, botocore\/data\/endpoints\.json/);
    expect(partitionOf("eu-central-1")).toBe("aws");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(partitionOf("moon-east-1")).toBeUndefined();
  });
});
