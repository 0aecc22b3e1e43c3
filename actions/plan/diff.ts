import { replacingChanges } from "./replacements.js";
import type { PlannedResource, SubjectResource } from "./resources.js";

/** One input that changes; `path` is dotted (JSON strings such as policies are looked into). */
export interface InputChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ResourceUpdate {
  readonly resource: SubjectResource;
  readonly before: SubjectResource;
  readonly changes: readonly InputChange[];
  /**
   * The changed inputs AWS cannot change in place (actions/plan/replacements.ts): `pulumi up`
   * replaces the resource. Absent for an update in place.
   */
  readonly replaces?: readonly string[];
}

export interface ResourceChanges {
  readonly create: readonly SubjectResource[];
  readonly update: readonly ResourceUpdate[];
  readonly delete: readonly SubjectResource[];
}

function parseJsonText(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown) => v === null || typeof v !== "object";

/** Statements (and anything else with ids) are matched by `Sid`, so inserting one does not shift the rest. */
function keyed(list: readonly unknown[]): Map<string, unknown> | undefined {
  if (!list.every((item) => isPlainObject(item) && typeof item.Sid === "string")) return undefined;
  return new Map(list.map((item) => [String((item as { Sid: string }).Sid), item]));
}

/** The leaves that differ between two input values. Lists of plain values are compared as a whole. */
export function diffValues(before: unknown, after: unknown, path = ""): InputChange[] {
  const b = parseJsonText(before);
  const a = parseJsonText(after);
  if (JSON.stringify(b) === JSON.stringify(a)) return [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (isPlainObject(b) && isPlainObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    return keys.flatMap((k) => diffValues(b[k], a[k], at(k)));
  }
  if (Array.isArray(b) && Array.isArray(a) && !(b.every(isPrimitive) && a.every(isPrimitive))) {
    const kb = keyed(b);
    const ka = keyed(a);
    if (kb && ka) {
      const ids = [...new Set([...kb.keys(), ...ka.keys()])];
      return ids.flatMap((id) => diffValues(kb.get(id), ka.get(id), `${path}[${id}]`));
    }
    const length = Math.max(b.length, a.length);
    return Array.from({ length }, (_, i) => diffValues(b[i], a[i], `${path}[${i}]`)).flat();
  }
  return [
    {
      path: path || "(value)",
      ...(b !== undefined && { before: b }),
      ...(a !== undefined && { after: a }),
    },
  ];
}

/** Resources compared by URN: what `pulumi up` would create, update (with the inputs that change) and delete. */
export function diffResources(
  base: readonly SubjectResource[],
  head: readonly SubjectResource[],
): ResourceChanges {
  const before = new Map(base.map((r) => [r.urn, r]));
  // A resource found in the base under one of its aliases was moved, as Pulumi sees it: compare it.
  const earlier = (r: SubjectResource) =>
    before.get(r.urn) ?? r.aliases?.map((urn) => before.get(urn)).find(Boolean);
  const matched = new Set(head.flatMap((r) => [r.urn, ...(earlier(r) ? [earlier(r)!.urn] : [])]));
  const create = head.filter((r) => !earlier(r));
  const remove = base.filter((r) => !matched.has(r.urn));
  const update: ResourceUpdate[] = [];
  for (const resource of head) {
    const old = earlier(resource);
    if (!old) continue;
    const changes = diffValues(old.inputs, resource.inputs);
    if (changes.length === 0) continue;
    const replaces = replacingChanges(
      resource.type,
      changes.map((c) => c.path),
    );
    update.push({ resource, before: old, changes, ...(replaces.length > 0 && { replaces }) });
  }
  return { create, update, delete: remove };
}

/** The printed form of a resource: the documented JSON shape, nothing internal. */
export function publicResource(r: PlannedResource): PlannedResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent !== undefined && { parent: r.parent }),
    inputs: r.inputs,
  };
}
