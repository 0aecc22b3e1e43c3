import type { ExpectedSecret } from "../../../cloud/aws/expected.js";
import type { LiveKey, LiveSecret } from "../../../cloud/aws/live/state.js";
import type { ProgramRun } from "../../plan/resources.js";
import type { AuditEvent } from "../../../components/rotation/ports.js";
import type { PolicyModel, Tenant } from "../../../program/model.js";
import type { StackSettings } from "../../../program/pulumi/settings.js";
import type { FrameworkParameters } from "../catalog.js";

/**
 * Where a check's evidence comes from: `static` from the policies and the plan (no cloud),
 * `live` from the drift reader's metadata calls (`--live`), `history` from the rotation audit
 * events (`--events`).
 */
export type CheckKind = "static" | "live" | "history";

/** A line of a file in the repository that sets what a static result observed. */
export interface SourceLine {
  /** Absolute path. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
}

/** One check's verdict on one resource. */
export interface Observation {
  readonly tenant: string;
  /** The ARN (live), or what the policy or plan names (static): `acme/orders-db`, `alias/vaultpilot/acme`. */
  readonly resource: string;
  readonly status: "pass" | "fail" | "error";
  /** The value seen, as a person reads it; never a secret's value. */
  readonly observed: string;
  /** When it was observed (ISO 8601): the read time for live results, the run's time otherwise. */
  readonly observedAt: string;
  /** Static results: the line that sets the value, for `git blame`. */
  readonly source?: SourceLine;
}

/** What the live reader saw of one tenant, or why it could not look. */
export type LiveTenant =
  | {
      readonly tenant: string;
      readonly account: string;
      readonly region: string;
      readonly readAt: string;
      readonly keyAlias: string;
      /** Undefined when no key has the alias. */
      readonly key?: LiveKey;
      /** Each secret the policies declare, with what the account holds under its name. */
      readonly secrets: readonly {
        readonly expected: ExpectedSecret;
        readonly live?: LiveSecret;
      }[];
    }
  | {
      readonly tenant: string;
      readonly account: string;
      readonly region: string;
      readonly error: string;
    };

/** The rotation history of the period, from audit events. */
export interface History {
  readonly events: readonly AuditEvent[];
  /** Start of the period (ISO 8601). */
  readonly since: string;
  readonly until: string;
}

/** Everything a check may read. Sources not asked for on the command line are absent. */
export interface CheckContext {
  readonly model: PolicyModel;
  /** The tenants in scope (--tenant, --stack). */
  readonly tenants: readonly Tenant[];
  /** The program's resources for those tenants (`vaultpilot plan`), for static checks. */
  readonly plan: ProgramRun;
  readonly settings: StackSettings;
  /** The policy directory, absolute. */
  readonly root: string;
  /** The Pulumi stack file the settings came from, when --stack was given (absolute). */
  readonly stackFile?: string;
  /** With --live: one entry per tenant in scope. */
  readonly live?: ReadonlyMap<string, LiveTenant>;
  /** With --events. */
  readonly history?: History;
  /** The evaluation time (ISO 8601). */
  readonly at: string;
}

/** A compliance check: one file under `checks/`, its id the file's name. */
export interface Check {
  readonly id: string;
  readonly kind: CheckKind;
  /** One sentence: what passes. */
  readonly description: string;
  /** Never throws for bad data: a resource it cannot judge is an `error` observation. */
  evaluate(context: CheckContext, parameters: FrameworkParameters): Observation[];
}

/** The policy line of `source` at `path` (the value, or the nearest key present). */
export function policyLine(
  root: string,
  source: Tenant["source"],
  path: readonly (string | number)[],
): SourceLine {
  return { path: `${root}/${source.file}`, line: source.at([...path]).line };
}

export function days(n: number): string {
  return `${n} day${n === 1 ? "" : "s"}`;
}
