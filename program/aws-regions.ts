import regions from "./aws-regions.json" with { type: "json" };

/** The AWS partition (aws, aws-cn, aws-us-gov, ...) a region belongs to; undefined: no such region. */
export function partitionOf(region: string): string | undefined {
  for (const [partition, names] of Object.entries(regions.partitions)) {
    if (names.includes(region)) return partition;
  }
  return undefined;
}

/** Every region of a partition. */
export function regionsOf(partition: string): readonly string[] {
  return (regions.partitions as Record<string, string[]>)[partition] ?? [];
}

/** Where the list comes from (botocore's endpoints data). */
export const REGIONS_SOURCE = regions.source;
