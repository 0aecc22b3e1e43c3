import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { EXAMPLE_POLICIES } from "./example-policies.js";

/** A policy document found in a resource's recorded inputs (or any other value). */
export interface FoundPolicy {
  /** `<type> <name>`, or what the caller calls the value. */
  readonly where: string;
  readonly type: string;
  /** The input's path inside the inputs: `policy`, `assumeRolePolicy`, `inlinePolicies[0].policy`. */
  readonly path: string;
  readonly tenant?: string;
  readonly document: { readonly Statement: unknown; readonly [key: string]: unknown };
}

const looksLikePolicy = (value: unknown): value is FoundPolicy["document"] =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "Statement" in value;

/**
 * Every policy document in `value`, found by walking it: an object with a `Statement`, or a string
 * that parses as one (IAM, key, bucket, topic and queue policies, trust policies, an SCP's
 * `content`, a template's inline policies). Nothing is looked up by input name, so policies that
 * resources added later carry are found too.
 */
export function documentsIn(
  value: unknown,
  path = "",
): { path: string; document: FoundPolicy["document"] }[] {
  if (typeof value === "string") {
    const text = value.trim();
    if (!text.startsWith("{") || !text.includes('"Statement"')) return [];
    try {
      const parsed: unknown = JSON.parse(text);
      return looksLikePolicy(parsed) ? [{ path, document: parsed }] : [];
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => documentsIn(v, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  if (looksLikePolicy(value)) return [{ path, document: value }];
  return Object.entries(value).flatMap(([k, v]) => documentsIn(v, path ? `${path}.${k}` : k));
}

/** Every policy document in a program run's recorded inputs. */
export function policyDocuments(resources: readonly SubjectResource[]): FoundPolicy[] {
  return resources.flatMap((r) =>
    documentsIn(r.inputs).map(({ path, document }) => ({
      where: `${r.type} ${r.name}`,
      type: r.type,
      path,
      ...(r.subject && { tenant: r.subject.tenant }),
      document,
    })),
  );
}

type Doc = Record<string, unknown> & {
  kind?: string;
  metadata?: { name?: string; tenant?: string };
  spec?: Record<string, unknown>;
};

/** Objects merged key by key, lists of scalars joined, anything else: the first one. */
function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.every((x) => typeof x !== "object") && b.every((x) => typeof x !== "object")
      ? [...new Set([...a, ...b])]
      : a;
  }
  if (
    typeof a === "object" &&
    a &&
    typeof b === "object" &&
    b &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const out: Record<string, unknown> = { ...(b as Record<string, unknown>) };
    for (const [k, v] of Object.entries(a)) out[k] = k in out ? merge(v, out[k]) : v;
    return out;
  }
  return a;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/**
 * The example policies plus a generated tenant `everything` (account 999999999999) with every
 * feature the examples use anywhere: the union of every example tenant's spec (objects merged,
 * lists joined) and a copy of every example Secret and Service (the first of each name). Features
 * other tenants gain later (entry points, backups, ...) show up here without a change.
 */
export function examplesWithEveryFeature(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-every-feature-"));
  cpSync(EXAMPLE_POLICIES, dir, { recursive: true });
  const docs: Doc[] = yamlFiles(EXAMPLE_POLICIES).flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Doc),
  );
  let spec: unknown = undefined;
  // Region-bound settings (entry points) stay valid in the region of the tenant that configures the
  // most: the example tenant with the largest spec.
  const richest = docs
    .filter((d) => d.kind === "Tenant")
    .sort((a, b) => JSON.stringify(b.spec).length - JSON.stringify(a.spec).length)[0];
  const region = (richest?.spec?.aws as { region?: string } | undefined)?.region ?? "us-east-1";
  const seen = new Set<string>();
  const out: Doc[] = [];
  for (const doc of docs) {
    if (doc.kind === "Tenant") spec = spec === undefined ? doc.spec : merge(spec, doc.spec);
    if (doc.kind !== "Secret" && doc.kind !== "Service") continue;
    const key = `${doc.kind}/${doc.metadata?.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...doc, metadata: { ...doc.metadata, tenant: "everything" } });
  }
  // The tenant is under every framework: a secret whose schedule pci-dss would refuse (over 90
  // days) takes the longest schedule that it accepts.
  const days = new Map(
    docs
      .filter((d) => d.kind === "RotationSchedule")
      .map((d) => [d.metadata?.name, Number.parseInt(String(d.spec?.every), 10)] as const),
  );
  const accepted = [...days].filter(([, n]) => n <= 90).sort((a, b) => b[1] - a[1])[0]?.[0];
  for (const doc of out) {
    const schedule = doc.spec?.schedule;
    if (doc.kind === "Secret" && (days.get(String(schedule)) ?? 0) > 90 && accepted) {
      doc.spec = { ...doc.spec, schedule: accepted };
    }
  }
  const tenantSpec = {
    ...(spec as Record<string, unknown>),
    plan: "enterprise",
    aws: { account: "999999999999", region },
  };
  const tenant: Doc = {
    apiVersion: "vaultpilot.dev/v1",
    kind: "Tenant",
    metadata: { name: "everything" },
    spec: tenantSpec,
  };
  // Secrets whose consumers were services of another tenant with the same name stay valid:
  // every Service name of the examples exists in `everything`.
  // Names derived from a tenant's (its namespaces, clusters) become the new tenant's, so the copy
  // shares nothing a tenant must own alone.
  const names = docs.filter((d) => d.kind === "Tenant").map((d) => d.metadata?.name ?? "");
  const own = (text: string) =>
    names.reduce(
      (t, n) => (n ? t.replace(new RegExp(`(?<![a-z0-9])${n}(?![a-z0-9])`, "g"), "everything") : t),
      text,
    );
  writeFileSync(
    join(dir, "everything.yaml"),
    own([tenant, ...out].map((d) => stringify(d)).join("---\n")),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
