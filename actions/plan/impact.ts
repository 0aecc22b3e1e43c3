import type { ResourceChanges } from "./diff.js";
import { protectionImpact, type RetentionImpact, type TrafficImpact } from "./protection-impact.js";
import { computeNotices, type Notice } from "./notices.js";
import type { ProgramRun, SubjectResource } from "./resources.js";

export type ChangeKind = "create" | "update" | "delete";

export interface RotationImpact {
  readonly tenant: string;
  readonly secret: string;
  readonly change: ChangeKind;
  readonly before?: string;
  readonly after?: string;
}

export interface SecretImpact {
  readonly tenant: string;
  readonly secret: string;
  readonly change: ChangeKind;
}

export interface ServiceImpact {
  readonly tenant: string;
  readonly service: string;
  /** restart: its role or permissions change; re-read: a secret it consumes is new or rotates differently. */
  readonly action: "restart" | "re-read";
  readonly reasons: readonly string[];
  /** The changed secrets behind it, for the graph. */
  readonly secrets: readonly string[];
}

/**
 * A line a reviewer must read: CAUTION (data may become unreadable), WARNING (data is deleted
 * earlier or no longer kept), NOTE (something starts).
 */
export type { Notice } from "./notices.js";

export interface Impact {
  readonly tenants: readonly string[];
  readonly secrets: readonly SecretImpact[];
  readonly rotations: readonly RotationImpact[];
  readonly services: readonly ServiceImpact[];
  /** Entry points whose live traffic changes (protection-impact.ts). */
  readonly traffic: readonly TrafficImpact[];
  /** Log groups whose events will be deleted earlier. */
  readonly retention: readonly RetentionImpact[];
  /** Present when there is at least one (actions/plan/notices.ts). */
  readonly notices?: readonly Notice[];
}

/** The secret a resource rotates, as its component declared it. */
function rotatedSecret(r: SubjectResource): string | undefined {
  return r.purpose?.kind === "rotation" ? r.purpose.secret : undefined;
}

/** The secrets a resource lets its service read, as its component declared it. */
export function readableSecrets(r: SubjectResource | undefined): readonly string[] {
  return r?.purpose?.kind === "read-access" ? r.purpose.secrets : [];
}

function rotationText(
  r: SubjectResource | undefined,
  run: ProgramRun,
  tenant: string,
  secret: string,
) {
  return r ? run.schedules.get(`${tenant}/${secret}`) : undefined;
}

/**
 * What a reviewer needs beyond the resource list: tenants touched, secrets created or removed,
 * rotations that change, and services that must restart (their permissions change) or re-read a
 * secret (new, or rotating on a new schedule).
 */
export function computeImpact(
  changes: ResourceChanges,
  base: ProgramRun,
  head: ProgramRun,
): Impact {
  const tenants = new Set<string>();
  const secrets = new Map<string, SecretImpact>();
  const rotations: RotationImpact[] = [];
  const services = new Map<
    string,
    {
      tenant: string;
      service: string;
      action: "restart" | "re-read";
      reasons: string[];
      secrets: Set<string>;
    }
  >();
  const touchService = (
    tenant: string,
    service: string,
    action: "restart" | "re-read",
    reason: string,
    secret?: string,
  ) => {
    const key = `${tenant}/${service}`;
    const entry = services.get(key) ?? {
      tenant,
      service,
      action,
      reasons: [],
      secrets: new Set<string>(),
    };
    if (action === "restart") entry.action = "restart";
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    if (secret) entry.secrets.add(secret);
    services.set(key, entry);
  };
  const all: [ChangeKind, SubjectResource, SubjectResource | undefined][] = [
    ...changes.create.map((r): [ChangeKind, SubjectResource, undefined] => [
      "create",
      r,
      undefined,
    ]),
    ...changes.update.map((u): [ChangeKind, SubjectResource, SubjectResource] => [
      "update",
      u.resource,
      u.before,
    ]),
    ...changes.delete.map((r): [ChangeKind, SubjectResource, undefined] => [
      "delete",
      r,
      undefined,
    ]),
  ];
  for (const [kind, resource, before] of all) {
    const subject = resource.subject;
    if (!subject) continue;
    tenants.add(subject.tenant);
    const rotated = rotatedSecret(resource);
    if (rotated) {
      const was =
        kind === "create" ? undefined : rotationText(resource, base, subject.tenant, rotated);
      const now =
        kind === "delete" ? undefined : rotationText(resource, head, subject.tenant, rotated);
      rotations.push({
        tenant: subject.tenant,
        secret: rotated,
        change: kind,
        ...(was !== undefined && { before: was }),
        ...(now !== undefined && { after: now }),
      });
      if (kind !== "delete") {
        for (const consumer of head.consumers.get(`${subject.tenant}/${rotated}`) ?? []) {
          touchService(
            subject.tenant,
            consumer,
            "re-read",
            kind === "create"
              ? `${rotated} starts rotating (${now})`
              : `${rotated} now rotates ${now} (was ${was})`,
            rotated,
          );
        }
      }
    }
    const purpose = resource.purpose;
    if (purpose?.kind === "secret") {
      secrets.set(`${subject.tenant}/${purpose.secret}`, {
        tenant: subject.tenant,
        secret: purpose.secret,
        change: kind,
      });
    }
    if (purpose?.kind === "read-access") {
      const was = new Set(readableSecrets(before ?? (kind === "delete" ? resource : undefined)));
      const now = new Set(kind === "delete" ? [] : readableSecrets(resource));
      for (const s of now) {
        if (!was.has(s))
          touchService(subject.tenant, purpose.service, "restart", `gains read access to ${s}`, s);
      }
      for (const s of was) {
        if (!now.has(s))
          touchService(subject.tenant, purpose.service, "restart", `loses read access to ${s}`, s);
      }
      if ([...now].every((s) => was.has(s)) && [...was].every((s) => now.has(s))) {
        touchService(subject.tenant, purpose.service, "restart", "its access policy changes");
      }
    } else if (purpose?.kind === "identity" && kind !== "update") {
      touchService(
        subject.tenant,
        purpose.service,
        "restart",
        kind === "create" ? "gets a new role" : "its role is removed",
      );
    }
  }
  const order =
    <T extends { tenant: string }>(key: (t: T) => string) =>
    (x: T, y: T) =>
      x.tenant.localeCompare(y.tenant) || key(x).localeCompare(key(y));
  const notices = computeNotices(changes);
  return {
    ...(notices.length > 0 && { notices }),
    tenants: [...tenants].sort(),
    secrets: [...secrets.values()].sort(order((s) => s.secret)),
    rotations: rotations.sort(order((r) => r.secret)),
    services: [...services.values()]
      .map((s) => ({ ...s, secrets: [...s.secrets].sort() }))
      .sort(order((s) => s.service)),
    ...protectionImpact(all),
  };
}
