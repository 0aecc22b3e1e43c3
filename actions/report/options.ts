/** The names of the report's output formats; each has its formatter in formats/index.ts. */
export const REPORT_FORMATS = ["html", "markdown", "json", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  /** Comma-separated or repeated framework ids. */
  readonly framework: readonly string[];
  readonly tenant: readonly string[];
  readonly stack?: string;
  readonly project: string;
  readonly live: boolean;
  readonly events?: string;
  readonly since: string;
  readonly at?: string;
  /** Comma-separated or repeated formats. */
  readonly format: readonly string[];
  readonly out?: string;
  readonly concurrency: string;
  readonly installation?: string;
  readonly assumeRole: boolean;
  /** Send report-failing to the tenants' notification routes. */
  readonly notify?: boolean;
}
