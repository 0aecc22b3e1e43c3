import type * as pulumi from "@pulumi/pulumi";
import type { Purpose, Subject } from "../../components/aws/component.js";
import type { SubjectResource } from "./resources.js";
import { SECRET_PLACEHOLDER } from "./resources.js";

export const PROJECT = "vaultpilot";

/** Two resources with the same type and name: Pulumi would reject the program; its mocks do not. */
export class DuplicateResourceError extends Error {}

/** Pulumi's marker for special values in serialized properties (secrets, assets, archives). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface Registration {
  readonly type: string;
  readonly name: string;
  readonly resource: object;
  readonly parent?: object;
  /** Earlier parents (`aliases: [{ parent }]`): the resource was moved under a new component. */
  readonly aliasParents?: readonly object[];
}

interface ComponentLike {
  readonly typeToken: string;
  readonly logicalName: string;
  readonly subject: Subject;
  readonly purposes: ReadonlyMap<object, Purpose>;
}

function isComponent(value: unknown): value is ComponentLike {
  return (
    typeof value === "object" &&
    value !== null &&
    "typeToken" in value &&
    "subject" in value &&
    "purposes" in value
  );
}

/**
 * Replaces secrets by "[secret]" and assets by their path: what the plan may show. Called on the
 * inputs before anything records them, so a secret's value reaches neither the plan nor the mock state.
 */
export async function redact(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(redact));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
  if ("path" in record && record.path instanceof Promise) {
    const path: unknown = await record.path;
    return { archive: typeof path === "string" ? path : "[asset]" };
  }
  // An AssetArchive (its members by name) and a StringAsset (its text: the rotation function's
  // configuration, which holds no secret value), so the plan shows what the package will contain.
  if ("assets" in record && record.assets instanceof Promise) {
    return { assets: await redact(await record.assets) };
  }
  if ("text" in record && record.text instanceof Promise) {
    const text: unknown = await record.text;
    return { text: typeof text === "string" ? text : "[asset]" };
  }
  if (record[SIG_KEY] !== undefined) return `[${String(record[SIG_KEY]).slice(0, 8)}]`;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) out[key] = await redact(record[key]);
  return out;
}

interface Scope {
  readonly account: string;
  readonly region: string;
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** AWS services whose ARNs carry no region (IAM and the other global services). */
const GLOBAL_SERVICES = new Set(["iam", "organizations", "route53", "cloudfront", "shield"]);

/**
 * The outputs a cloud would compute for any resource, from its type token and inputs alone: an
 * `id` and `name` (the physical name if the inputs give one, else the logical name), a
 * `<type>Id` (`keyId` of `aws:kms/key:Key`), and for AWS an `arn` of AWS's usual shape,
 * `arn:aws:<module>:<region>:<account>:<resource-type>/<name>` (no region for global services).
 * A new resource type needs no entry here; plan's output shows these values where a component
 * wires one resource's output into another's input.
 */
export function mockState(
  type: string,
  name: string,
  inputs: Readonly<Record<string, unknown>>,
  scope: Scope,
): Record<string, unknown> & { id: string } {
  const physical = typeof inputs.name === "string" ? inputs.name : name;
  const [cloud = "", path = ""] = type.split(":");
  const [module = cloud, resource = ""] = path.split("/");
  const kebab = resource.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const typeName = type.split(":").at(-1) ?? "";
  const state: Record<string, unknown> & { id: string } = {
    id: physical,
    name: physical,
    [`${typeName.charAt(0).toLowerCase()}${typeName.slice(1)}Id`]: physical,
  };
  if (cloud === "aws") {
    const region = GLOBAL_SERVICES.has(module) ? "" : scope.region;
    state.arn = `arn:aws:${module}:${region}:${scope.account}:${kebab}/${physical}`;
  }
  return state;
}

/**
 * Runs `build` under `pulumi.runtime.setMocks` (no engine, no credentials) and returns every
 * resource it registers, with URNs as the Pulumi engine forms them (the parent types chained).
 * `build` gets options carrying a transformation that records each resource and its parent;
 * pass them to every top-level resource. Throws DuplicateResourceError on a repeated type and name.
 */
export async function runUnderMocks(
  stack: string,
  build: (opts: pulumi.ComponentResourceOptions) => void,
): Promise<SubjectResource[]> {
  const pulumi = await import("@pulumi/pulumi");
  const registrations = new Map<string, Registration>();
  const inputsByKey = new Map<string, Record<string, unknown>>();
  const scopes = new Map<string, Scope>();
  let duplicate: string | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const key = `${args.type}::${args.name}`;
        const inputs = (await redact(args.inputs)) as Record<string, unknown>;
        inputsByKey.set(key, inputs);
        if (args.type === "pulumi:providers:aws") {
          const accounts = parseMaybeJson(inputs.allowedAccountIds);
          scopes.set(args.name, {
            account: Array.isArray(accounts) ? String(accounts[0]) : "000000000000",
            region: String(inputs.region ?? "us-east-1"),
          });
        }
        // A provider reference is "<provider urn>::<provider id>"; the URN ends with its name.
        const providerName = args.provider?.split("::").at(-2);
        const scope = scopes.get(providerName ?? "") ?? {
          account: "000000000000",
          region: "us-east-1",
        };
        const { id, ...computed } = mockState(args.type, args.name, inputs, scope);
        return { id, state: { ...computed, ...inputs } };
      },
      call: () => ({}),
    },
    PROJECT,
    stack,
    false,
  );
  const record: pulumi.ResourceTransformation = (args) => {
    const key = `${args.type}::${args.name}`;
    if (registrations.has(key)) {
      duplicate ??= key;
      throw new DuplicateResourceError(`two resources have the same type and name: ${key}`);
    }
    registrations.set(key, {
      type: args.type,
      name: args.name,
      resource: args.resource,
      ...(args.opts.parent !== undefined && { parent: args.opts.parent }),
      ...(args.opts.aliases?.length && {
        aliasParents: args.opts.aliases.flatMap((alias) =>
          typeof alias === "object" &&
          "parent" in alias &&
          typeof alias.parent === "object" &&
          alias.parent !== null
            ? [alias.parent as object]
            : [],
        ),
      }),
    });
    return undefined;
  };
  try {
    build({ transformations: [record] });
  } finally {
    await pulumi.runtime.disconnect();
  }
  if (duplicate)
    throw new DuplicateResourceError(`two resources have the same type and name: ${duplicate}`);

  // Components set their own fields after Pulumi's constructor ran the transformation: read them now.
  const byObject = new Map<object, Registration>(
    [...registrations.values()].map((r) => [r.resource, r]),
  );
  const urns = new Map<Registration, string>();
  const qualifiedType = (r: Registration): string => {
    const parent = r.parent ? byObject.get(r.parent) : undefined;
    return parent ? `${qualifiedType(parent)}$${r.type}` : r.type;
  };
  const urnOf = (r: Registration): string => {
    let urn = urns.get(r);
    if (!urn) {
      urn = `urn:pulumi:${stack}::${PROJECT}::${qualifiedType(r)}::${r.name}`;
      urns.set(r, urn);
    }
    return urn;
  };
  const subjectOf = (r: Registration): Subject | undefined => {
    if (isComponent(r.resource)) return r.resource.subject;
    const parent = r.parent ? byObject.get(r.parent) : undefined;
    if (parent) return subjectOf(parent);
    // A tenant's providers are named after it: `<tenant>` (AWS) or `<tenant>/<cloud>`.
    return r.type.startsWith("pulumi:providers:") ? { tenant: r.name.split("/")[0]! } : undefined;
  };
  const purposeOf = (r: Registration): Purpose | undefined => {
    const parent = r.parent ? byObject.get(r.parent) : undefined;
    return parent && isComponent(parent.resource)
      ? parent.resource.purposes.get(r.resource)
      : undefined;
  };
  const resources: SubjectResource[] = [...registrations.values()].map((r) => {
    const parent = r.parent ? byObject.get(r.parent) : undefined;
    const subject = subjectOf(r);
    const purpose = purposeOf(r);
    // The URNs it had under its earlier parents, so the plan shows a move as no change.
    const aliases = (r.aliasParents ?? []).flatMap((object) => {
      const earlier = byObject.get(object);
      return earlier
        ? [`urn:pulumi:${stack}::${PROJECT}::${qualifiedType(earlier)}$${r.type}::${r.name}`]
        : [];
    });
    return {
      urn: urnOf(r),
      ...(aliases.length > 0 && { aliases }),
      type: r.type,
      name: r.name,
      ...(parent && { parent: urnOf(parent) }),
      inputs: inputsByKey.get(`${r.type}::${r.name}`) ?? {},
      ...(subject && { subject }),
      ...(purpose && { purpose }),
    };
  });
  return resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}
