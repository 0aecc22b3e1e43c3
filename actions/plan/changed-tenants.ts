import type { PolicyModel } from "../../program/model.js";
import type { PolicySet } from "../../program/documents.js";

/** Which tenants an incremental plan must run the program for, or why it must run every tenant. */
export type PlanScope =
  | { readonly kind: "tenants"; readonly tenants: ReadonlySet<string> }
  | { readonly kind: "full"; readonly reason: string };

/** One side of the comparison: its schema-valid documents and its model (absent before the policies existed). */
export interface PolicySide {
  readonly documents: PolicySet;
  readonly model: PolicyModel | undefined;
}

interface Document {
  readonly kind: string;
  readonly name: string;
  readonly tenant?: string;
  readonly spec: unknown;
}

/** Every document of the set, of whatever kind, in file order within each kind. */
function documentsOf(set: PolicySet): Document[] {
  return Object.values(set).flatMap((list: unknown) =>
    Array.isArray(list) ? (list as Document[]) : [],
  );
}

/** The tenant a document belongs to: its own name for a Tenant, metadata.tenant for the rest. */
function ownerOf(document: Document): string | undefined {
  if (typeof document.tenant === "string") return document.tenant;
  return document.kind === "Tenant" ? document.name : undefined;
}

/** What the program reads of a document: its kind, name and spec (not where it was written). */
const content = (d: Document) => JSON.stringify([d.kind, d.name, d.spec]);

interface Fingerprints {
  /** Tenant → its documents' content, in file order (order reaches policies and packages). */
  readonly tenants: Map<string, string>;
  /** `kind/name` → content, for documents no tenant owns (schedules). */
  readonly shared: Map<string, string>;
}

function fingerprints(set: PolicySet | undefined): Fingerprints {
  const tenants = new Map<string, string[]>();
  const shared = new Map<string, string>();
  for (const document of set ? documentsOf(set) : []) {
    const owner = ownerOf(document);
    if (owner === undefined) shared.set(`${document.kind}/${document.name}`, content(document));
    else tenants.set(owner, [...(tenants.get(owner) ?? []), content(document)]);
  }
  return {
    tenants: new Map([...tenants].map(([tenant, parts]) => [tenant, parts.join("\n")])),
    shared,
  };
}

const differing = (a: Map<string, string>, b: Map<string, string>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();

/** The tenants whose secrets use one of `schedules` (by name). */
function usersOf(model: PolicyModel | undefined, schedules: ReadonlySet<string>): string[] {
  return (model?.tenants ?? [])
    .filter((t) => t.secrets.some((s) => schedules.has(s.schedule.name)))
    .map((t) => t.name);
}

/**
 * The tenants whose plan can differ between `base` and `head`: those whose own documents differ
 * (added, removed, edited or reordered), and those whose secrets use a RotationSchedule that
 * differs, on either side. Tenants are independent by construction (each has its own provider,
 * key and names), so every other tenant's resources are the same on both sides. A change to a
 * shared document of any other kind, whose users this cannot tell, makes the plan full.
 */
export function changedTenants(base: PolicySide, head: PolicySide): PlanScope {
  const before = fingerprints(base.model ? base.documents : undefined);
  const after = fingerprints(head.documents);
  const shared = differing(before.shared, after.shared);
  const unknown = shared.find((key) => !key.startsWith("RotationSchedule/"));
  if (unknown !== undefined) {
    return { kind: "full", reason: `the shared document ${unknown} changed` };
  }
  const schedules = new Set(shared.map((key) => key.slice("RotationSchedule/".length)));
  return {
    kind: "tenants",
    tenants: new Set([
      ...differing(before.tenants, after.tenants),
      ...usersOf(base.model, schedules),
      ...usersOf(head.model, schedules),
    ]),
  };
}
