export interface DiscoverOptions {
  /** Regions to search; empty means AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1. */
  readonly region: string[];
  /** The folder the policy files are written to. */
  readonly out: string;
  /** Replace files that already exist in --out. */
  readonly force?: boolean;
  /** The existing policies: what they declare is skipped, their schedules reused. */
  readonly policies?: string;
}
