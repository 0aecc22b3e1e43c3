import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planSides } from "../../actions/plan/plan-command.js";
import type { PlanResult } from "../../actions/plan/plan-result.js";
import type { Diagnostic } from "../../program/diagnostics.js";
import { parsePolicyText, type LoadedDocument } from "../../program/load/load-policies.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validateDocuments, type ValidationResult } from "../../program/validate.js";

/** A small installation as data: shared schedules (days), and per tenant its services and secrets. */
interface World {
  schedules: Record<string, number>;
  tenants: Record<
    string,
    {
      services: Record<string, "ecs" | "lambda">;
      secrets: Record<string, { type: string; schedule: string; consumers: string[] }>;
    }
  >;
}

const TYPES = ["postgres", "api-key", "webhook", "generic"];

function baseWorld(): World {
  const tenants: World["tenants"] = {};
  for (const [i, name] of ["alpha", "bravo", "charlie", "delta"].entries()) {
    tenants[name] = {
      services: { "api-svc": "ecs", "job-svc": "lambda" },
      secrets: {
        "first-key": { type: TYPES[i % 4]!, schedule: "weekly", consumers: ["api-svc"] },
        "second-key": {
          type: TYPES[(i + 1) % 4]!,
          schedule: i % 2 ? "monthly" : "quarterly",
          consumers: ["job-svc"],
        },
      },
    };
  }
  return { schedules: { weekly: 7, monthly: 30, quarterly: 90 }, tenants };
}

/** The policy files of a world, one per tenant plus the schedules. */
function render(world: World): Map<string, string> {
  const doc = (kind: string, name: string, spec: string, tenant?: string) =>
    `apiVersion: vaultpilot.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${tenant ? `  tenant: ${tenant}\n` : ""}spec:\n${spec}`;
  const files = new Map<string, string>();
  files.set(
    "schedules.yaml",
    Object.entries(world.schedules)
      .map(([name, days]) => doc("RotationSchedule", name, `  every: ${days}d\n`))
      .join("---\n"),
  );
  for (const [tenant, t] of Object.entries(world.tenants)) {
    const account = String(100000000000 + tenant.charCodeAt(0));
    files.set(
      `tenants/${tenant}.yaml`,
      [
        doc(
          "Tenant",
          tenant,
          `  plan: enterprise\n  aws: { account: "${account}", region: us-east-1 }\n`,
        ),
        ...Object.entries(t.services).map(([s, runtime]) =>
          doc("Service", s, `  runtime: ${runtime}\n`, tenant),
        ),
        ...Object.entries(t.secrets).map(([s, secret]) =>
          doc(
            "Secret",
            s,
            `  type: ${secret.type}\n  schedule: ${secret.schedule}\n  consumers: [${secret.consumers.join(", ")}]\n`,
            tenant,
          ),
        ),
      ].join("---\n"),
    );
  }
  return files;
}

function validate(world: World): ValidationResult {
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const files = render(world);
  for (const [file, text] of files) parsePolicyText(file, text, documents, diagnostics);
  return validateDocuments(documents, diagnostics, [...files.keys()]);
}

const pick = <T>(list: readonly T[], n: number): T | undefined =>
  list.length ? list[n % list.length] : undefined;

/** One random edit: indices are taken modulo what exists, so every edit applies to any world. */
const edit = fc.oneof(
  fc.record({
    op: fc.constant("schedule-days"),
    n: fc.nat(),
    days: fc.integer({ min: 1, max: 90 }),
  }),
  fc.record({ op: fc.constant("secret-schedule"), n: fc.nat(), m: fc.nat(), k: fc.nat() }),
  fc.record({ op: fc.constant("consumers"), n: fc.nat(), m: fc.nat(), k: fc.nat() }),
  fc.record({ op: fc.constant("add-secret"), n: fc.nat(), k: fc.nat() }),
  fc.record({ op: fc.constant("remove-secret"), n: fc.nat(), m: fc.nat() }),
  fc.record({ op: fc.constant("runtime"), n: fc.nat(), m: fc.nat() }),
  fc.record({ op: fc.constant("add-tenant"), n: fc.nat() }),
  fc.record({ op: fc.constant("remove-tenant"), n: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(world: World, e: Edit): void {
  const tenantNames = Object.keys(world.tenants);
  const tenant = pick(tenantNames, "n" in e ? e.n : 0);
  const t = tenant === undefined ? undefined : world.tenants[tenant]!;
  const secretNames = t ? Object.keys(t.secrets) : [];
  const schedules = Object.keys(world.schedules);
  switch (e.op) {
    case "schedule-days":
      world.schedules[pick(schedules, e.n)!] = e.days;
      break;
    case "secret-schedule": {
      const s = pick(secretNames, e.m);
      if (t && s) t.secrets[s]!.schedule = pick(schedules, e.k)!;
      break;
    }
    case "consumers": {
      const s = pick(secretNames, e.m);
      if (t && s) {
        const services = Object.keys(t.services);
        t.secrets[s]!.consumers = services.filter((_, i) => (e.k >> i) & 1);
      }
      break;
    }
    case "add-secret":
      if (t) {
        t.secrets[`added-${secretNames.length}-key`] = {
          type: pick(TYPES, e.k)!,
          schedule: pick(schedules, e.k)!,
          consumers: ["api-svc"],
        };
      }
      break;
    case "remove-secret": {
      const s = pick(secretNames, e.m);
      if (t && s && secretNames.length > 1) delete t.secrets[s];
      break;
    }
    case "runtime": {
      const s = pick(Object.keys(t?.services ?? {}), e.m);
      if (t && s) t.services[s] = t.services[s] === "ecs" ? "lambda" : "ecs";
      break;
    }
    case "add-tenant":
      world.tenants[`echo-${e.n % 3}`] ??= structuredClone(world.tenants[tenantNames[0]!]!);
      break;
    case "remove-tenant":
      if (tenant && tenantNames.length > 1) delete world.tenants[tenant];
      break;
  }
}

/** What a reviewer sees of a plan, whichever tenants ran: the changes and their impact. */
const seen = (r: PlanResult) => ({ changes: r.changes, impact: r.impact });

describe("the incremental plan", () => {
  const settings = readStackSettings("property", () => undefined);

  it(
    "equals the full plan after random edits to random tenants and shared schedules",
    { timeout: 600_000 },
    async () => {
      const base = validate(baseWorld());
      expect(base.model).toBeDefined();
      const baseSide = { model: base.model, documents: base.policies };
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
          const world = baseWorld();
          for (const e of edits) apply(world, e);
          const head = validate(world);
          expect(head.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          const sides = {
            head: { model: head.model!, documents: head.policies },
            base: baseSide,
            baseRef: "base",
            settings,
          };
          const incremental = await planSides(sides);
          const full = await planSides({ ...sides, fullReason: "--full" });
          expect(seen(incremental)).toEqual(seen(full));
          // The tenants left out are exactly those whose resources the full plan shows unchanged.
          const unchanged = new Set(incremental.scope.unchanged);
          expect(incremental.head.resources).toEqual(
            full.head.resources.filter((r) => !unchanged.has(r.subject?.tenant ?? "")),
          );
          expect(incremental.scope.mode).toBe("incremental");
          expect(incremental.scope.planned).toBeLessThanOrEqual(full.scope.planned);
        }),
        { numRuns: Number(process.env.PLAN_PROPERTY_RUNS ?? 8) },
      );
    },
  );
});
