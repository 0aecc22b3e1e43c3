/** The names of drift's output formats; each has its formatter in formats/index.ts. */
export const DRIFT_FORMATS = ["text", "json", "markdown", "sarif"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

export interface DriftOptions {
  readonly format: DriftFormat;
  readonly stack?: string;
  readonly deep: boolean;
  readonly grace: string;
  readonly stuckAfter: string;
  readonly at?: string;
  readonly concurrency: string;
  readonly installation?: string;
  readonly assumeRole: boolean;
  readonly out?: string;
  /** Send drift-found, drift-resolved and rotation-overdue to the tenants' notification routes. */
  readonly notify?: boolean;
}
