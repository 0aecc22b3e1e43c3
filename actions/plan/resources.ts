import type { Purpose, Subject } from "../../components/aws/component.js";

/** One resource the program registers, as `vaultpilot plan --format json` prints it. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN; absent for resources directly under the stack. */
  readonly parent?: string;
  /** Inputs as registered, secrets replaced by "[secret]". */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** A resource with what it belongs to in the policies (not printed; the impact is computed from it). */
export interface SubjectResource extends PlannedResource {
  readonly subject?: Subject;
  /** What the resource does for its subject, as its component declared it. */
  readonly purpose?: Purpose;
  /** Earlier URNs of a resource moved under another parent (Pulumi aliases): not a create and delete. */
  readonly aliases?: readonly string[];
}

/** One run of the program: its resources (sorted by URN) and who consumes each secret. */
export interface ProgramRun {
  readonly stack: string;
  readonly resources: readonly SubjectResource[];
  /** `tenant/secret` → consumer service names. */
  readonly consumers: ReadonlyMap<string, readonly string[]>;
  /** `tenant/secret` → the schedule, as a person reads it. */
  readonly schedules: ReadonlyMap<string, string>;
}

export const SECRET_PLACEHOLDER = "[secret]";
