import { EXIT } from "../io.js";
import type { FrameworkId } from "./catalog.js";
import type { CheckKind } from "./checks/check.js";
import type { Change } from "./evidence.js";

export type ResultStatus = "pass" | "fail" | "manual" | "error";
/** A control's verdict: its results' worst, or `not-run` when no check of it ran (e.g. live checks without --live). */
export type ControlStatus = ResultStatus | "not-run";

export interface Evidence {
  /** Where the observation comes from. */
  readonly kind: CheckKind | "manual";
  /** When it was observed (ISO 8601). */
  readonly observedAt: string;
  /** Static results: `file:line` (relative to the repository) that sets the value. */
  readonly source?: string;
  /** Static results: the commit that last changed that line. */
  readonly change?: Change;
  /** Manual controls: what a person must attach. */
  readonly attach?: string;
}

/** One result per framework, control, check and resource (`schemas/report.schema.json`). */
export interface ReportResult {
  readonly framework: FrameworkId;
  readonly control: string;
  /** A check id, or "manual". */
  readonly check: string;
  readonly tenant: string;
  readonly resource: string;
  readonly status: ResultStatus;
  readonly observed: string;
  readonly evidence: Evidence;
}

export interface ControlSummary {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly reference: string;
  readonly status: ControlStatus;
  readonly checks: readonly string[];
  /** Why a control has no result: the checks it needs and what turns them on. */
  readonly note?: string;
}

export type Counts = Readonly<Record<ControlStatus, number>>;

export interface FrameworkSummary {
  readonly framework: FrameworkId;
  readonly name: string;
  readonly version: string;
  readonly source: { readonly title: string; readonly url: string };
  readonly tenants: readonly string[];
  /** Controls by status. */
  readonly controls: Counts;
  readonly detail: readonly ControlSummary[];
}

export interface ReportSummary {
  readonly stack: string | null;
  readonly tenants: number;
  /** Each tenant's AWS account and region, from its policy. */
  readonly accounts: Readonly<
    Record<string, { readonly account: string; readonly region: string }>
  >;
  readonly live: boolean;
  readonly history: { readonly since: string; readonly until: string } | null;
  readonly at: string;
  /** pass, fail, manual and error results over every framework. */
  readonly results: Readonly<Record<ResultStatus, number>>;
  readonly frameworks: readonly FrameworkSummary[];
  /** Things the reader should know: tenants without frameworks, a repository without history. */
  readonly notes: readonly string[];
}

export interface Report {
  readonly version: 1;
  readonly generatedAt: string;
  readonly results: readonly ReportResult[];
  readonly summary: ReportSummary;
}

/** 2 when anything could not be checked (never a pass), else 1 when a control fails, else 0. */
export function exitCode(report: Report): number {
  if (report.summary.results.error > 0) return EXIT.failed;
  if (report.summary.results.fail > 0) return EXIT.findings;
  return EXIT.clean;
}

const ORDER: readonly ControlStatus[] = ["fail", "error", "pass", "manual", "not-run"];

/** The control's status from its results' statuses. */
export function controlStatus(statuses: readonly ResultStatus[]): ControlStatus {
  if (statuses.length === 0) return "not-run";
  for (const status of ORDER) if (statuses.includes(status as ResultStatus)) return status;
  return "not-run";
}
