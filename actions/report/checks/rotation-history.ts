import type { AuditEvent } from "../../../components/rotation/ports.js";

/** One rotation of one secret, from the audit events that share its secret ARN and pending version. */
export interface Rotation {
  readonly tenant: string;
  readonly secretArn: string;
  readonly version: string;
  /** The first event's time (ISO 8601). */
  readonly started: string;
  readonly outcome: "succeeded" | "failed" | "rolled-back" | "in-progress";
  /** The failing step's one-line reason, when there is one (never a value: the engine redacts them). */
  readonly detail?: string;
}

/** Steps whose failure fails the rotation; a failed alert does not. */
const ROTATION_STEP = /^(createSecret|setSecret|testSecret|finishSecret|rollback|reload:.+)$/;

/**
 * Groups audit events into rotations and decides each outcome: rolled back when a rollback
 * started, failed when a step failed for good, succeeded when finishSecret succeeded, else in
 * progress. Events outside [since, until] start no rotation.
 */
export function rotations(events: readonly AuditEvent[], since: string, until: string): Rotation[] {
  const groups = new Map<string, AuditEvent[]>();
  for (const event of events) {
    const key = `${event.secretArn}\0${event.versions.pending ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  const from = Date.parse(since);
  const to = Date.parse(until);
  const found: Rotation[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.time.localeCompare(b.time));
    const first = group[0]!;
    const at = Date.parse(first.time);
    if (!(at >= from && at <= to)) continue;
    const failed = group.find((e) => e.outcome === "failed" && ROTATION_STEP.test(e.step));
    const rolledBack = group.some((e) => e.step === "rollback");
    const finished = group.some((e) => e.step === "finishSecret" && e.outcome === "succeeded");
    const outcome = rolledBack
      ? "rolled-back"
      : failed
        ? "failed"
        : finished
          ? "succeeded"
          : "in-progress";
    const detail = failed?.detail;
    found.push({
      tenant: first.tenant,
      secretArn: first.secretArn,
      version: first.versions.pending ?? "",
      started: first.time,
      outcome,
      ...(detail !== undefined && { detail }),
    });
  }
  return found.sort((a, b) => a.started.localeCompare(b.started));
}

const cache = new WeakMap<readonly AuditEvent[], Map<string, Rotation[]>>();

/** The period's rotations by tenant, computed once per run. */
export function rotationsByTenant(
  events: readonly AuditEvent[],
  since: string,
  until: string,
): Map<string, Rotation[]> {
  let byTenant = cache.get(events);
  if (byTenant) return byTenant;
  byTenant = new Map();
  for (const rotation of rotations(events, since, until)) {
    byTenant.set(rotation.tenant, [...(byTenant.get(rotation.tenant) ?? []), rotation]);
  }
  cache.set(events, byTenant);
  return byTenant;
}
