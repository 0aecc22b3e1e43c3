import type { ResourceChanges } from "./diff.js";
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

export interface Impact {
  readonly tenants: readonly string[];
  readonly secrets: readonly SecretImpact[];
  readonly rotations: readonly RotationImpact[];
  readonly services: readonly ServiceImpact[];
}

const ROTATION_TYPE = "aws:secretsmanager/secretRotation:SecretRotation";
const ACCESS_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";

/** SecretRotation resources are named `<tenant>/<secret>-rotation`. */
function rotatedSecret(r: SubjectResource): string | undefined {
  if (r.type !== ROTATION_TYPE) return undefined;
  return r.name.split("/")[1]?.replace(/-rotation$/, "");
}

/** The secrets an access policy lets its service read (the ReadConsumedSecrets statement). */
export function readableSecrets(r: SubjectResource | undefined): string[] {
  if (!r || typeof r.inputs.policy !== "string") return [];
  try {
    const doc = JSON.parse(r.inputs.policy) as {
      Statement?: { Sid?: string; Resource?: unknown }[];
    };
    const statement = doc.Statement?.find((s) => s.Sid === "ReadConsumedSecrets");
    const resources = Array.isArray(statement?.Resource) ? statement.Resource : [];
    return resources
      .map((arn) => /:secret:vaultpilot\/[^/]+\/(.+)-\?{6}$/.exec(String(arn))?.[1])
      .filter((s): s is string => s !== undefined);
  } catch {
    return [];
  }
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
    if (subject.secret && resource.type === "aws:secretsmanager/secret:Secret") {
      secrets.set(`${subject.tenant}/${subject.secret}`, {
        tenant: subject.tenant,
        secret: subject.secret,
        change: kind,
      });
    }
    if (subject.service && resource.type === ACCESS_POLICY_TYPE) {
      const was = new Set(readableSecrets(before ?? (kind === "delete" ? resource : undefined)));
      const now = new Set(kind === "delete" ? [] : readableSecrets(resource));
      for (const s of now) {
        if (!was.has(s))
          touchService(subject.tenant, subject.service, "restart", `gains read access to ${s}`, s);
      }
      for (const s of was) {
        if (!now.has(s))
          touchService(subject.tenant, subject.service, "restart", `loses read access to ${s}`, s);
      }
      if ([...now].every((s) => was.has(s)) && [...was].every((s) => now.has(s))) {
        touchService(subject.tenant, subject.service, "restart", "its access policy changes");
      }
    } else if (subject.service && resource.type === "aws:iam/role:Role" && kind !== "update") {
      touchService(
        subject.tenant,
        subject.service,
        "restart",
        kind === "create" ? "gets a new role" : "its role is removed",
      );
    }
  }
  const order =
    <T extends { tenant: string }>(key: (t: T) => string) =>
    (x: T, y: T) =>
      x.tenant.localeCompare(y.tenant) || key(x).localeCompare(key(y));
  return {
    tenants: [...tenants].sort(),
    secrets: [...secrets.values()].sort(order((s) => s.secret)),
    rotations: rotations.sort(order((r) => r.secret)),
    services: [...services.values()]
      .map((s) => ({ ...s, secrets: [...s.secrets].sort() }))
      .sort(order((s) => s.service)),
  };
}
