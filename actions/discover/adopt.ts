import { stringify } from "yaml";
import {
  API_VERSION,
  NAME_PATTERN,
  SECRET_TYPES,
  type SecretType,
} from "../../program/documents.js";
import { smallestPlanFor, rotationsPerMonth } from "../../program/plans.js";
import { claimedTenant, SECRET_PREFIX, TAG_SCHEDULE, TAG_TYPE } from "../../cloud/aws/naming.js";
import { describeLiveRules } from "../../cloud/aws/rotation-rules.js";
import type { LiveAccount, LiveSecret } from "../../cloud/aws/live/state.js";

/** Used when a secret has no rotation yet; every compliance framework accepts it. */
export const DEFAULT_EVERY_DAYS = 90;

export interface KnownPolicies {
  /** Tenants the policies already declare. */
  readonly tenants: ReadonlySet<string>;
  /** `${account}/${region}/${secretName}` the policies already declare. */
  readonly declared: ReadonlySet<string>;
  /** Existing schedules: name → days, and whether it has a window. */
  readonly schedules: ReadonlyMap<
    string,
    { everyDays: number; window?: { start: string; durationHours: number } }
  >;
}

export interface AdoptedSecret {
  readonly tenant: string;
  readonly name: string;
  readonly awsName: string;
  readonly type: SecretType;
  readonly typeGuessed: boolean;
  readonly schedule: string;
  readonly scheduleGuessed: boolean;
}

export interface Adoption {
  /** Relative path → YAML text. */
  readonly files: Record<string, string>;
  readonly secrets: readonly AdoptedSecret[];
  readonly tenants: readonly string[];
  /** Candidates that cannot be adopted as they are, with why. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** The type a secret's tag or name suggests; `guessed` when it did not come from the tag. */
export function guessType(
  name: string,
  tags: Readonly<Record<string, string>>,
): { type: SecretType; guessed: boolean } {
  const tagged = tags[TAG_TYPE];
  if (tagged && (SECRET_TYPES as readonly string[]).includes(tagged))
    return { type: tagged as SecretType, guessed: false };
  const n = name.toLowerCase();
  const type: SecretType = /postgres|\bpg\b|psql|pg-/.test(n)
    ? "postgres"
    : /mysql|maria/.test(n)
      ? "mysql"
      : /webhook|signing/.test(n)
        ? "webhook"
        : /iam|access-key/.test(n)
          ? "aws-iam-key"
          : /api[-_]?key|token/.test(n)
            ? "api-key"
            : "generic";
  return { type, guessed: true };
}

/** A policy name from the part of the secret's name after vaultpilot/<tenant>/, or undefined. */
function policyName(secret: LiveSecret, tenant: string): string | undefined {
  const prefix = `${SECRET_PREFIX}${tenant}/`;
  if (!secret.name.startsWith(prefix)) return undefined;
  const rest = secret.name.slice(prefix.length);
  return NAME_PATTERN.test(rest) ? rest : undefined;
}

/**
 * Policy documents that adopt what `live` holds and `known` does not declare. Pure: the caller
 * reads the cloud and writes the files. Only names and metadata go in, never a value.
 */
export function adopt(live: readonly LiveAccount[], known: KnownPolicies): Adoption {
  const skipped: { name: string; reason: string }[] = [];
  const byTenant = new Map<
    string,
    { account: string; region: string; secrets: AdoptedSecret[]; rules: Map<string, LiveSecret> }
  >();
  const newSchedules = new Map<
    string,
    { everyDays: number; window?: { start: string; durationHours: number } }
  >();
  const tenantOf = (tenant: string, account: LiveAccount) => {
    let entry = byTenant.get(tenant);
    if (!entry) {
      entry = { account: account.account, region: account.region, secrets: [], rules: new Map() };
      byTenant.set(tenant, entry);
    }
    return entry;
  };

  for (const account of live) {
    for (const secret of account.secrets) {
      if (secret.deletedDate) continue;
      const tenant = claimedTenant(secret.name, secret.tags);
      if (tenant === undefined) continue;
      if (known.declared.has(`${account.account}/${account.region}/${secret.name}`)) continue;
      if (!NAME_PATTERN.test(tenant)) {
        skipped.push({
          name: secret.name,
          reason: `tenant "${tenant}" is not a valid tenant name`,
        });
        continue;
      }
      const name = policyName(secret, tenant);
      if (!name) {
        skipped.push({
          name: secret.name,
          reason: `not named ${SECRET_PREFIX}${tenant}/<name>: the program manages only that name; copy it to one and delete the old secret`,
        });
        continue;
      }
      const entry = tenantOf(tenant, account);
      if (entry.account !== account.account || entry.region !== account.region) {
        skipped.push({
          name: secret.name,
          reason: `tenant "${tenant}" is already adopted in ${entry.account}/${entry.region}`,
        });
        continue;
      }
      const { type, guessed } = guessType(name, secret.tags);
      const { schedule, guessed: scheduleGuessed } = scheduleFor(secret, known, newSchedules);
      entry.secrets.push({
        tenant,
        name,
        awsName: secret.name,
        type,
        typeGuessed: guessed,
        schedule,
        scheduleGuessed,
      });
    }
    // Tenant keys whose tenant no policy declares: adopt the tenant, so the next `pulumi up` owns it.
    for (const alias of account.aliases.keys()) {
      const match = /^alias\/vaultpilot\/([^/]+)$/.exec(alias);
      if (!match || known.tenants.has(match[1]!) || !NAME_PATTERN.test(match[1]!)) continue;
      const entry = byTenant.get(match[1]!);
      if (!entry) tenantOf(match[1]!, account);
    }
  }

  const files: Record<string, string> = {};
  const secrets: AdoptedSecret[] = [];
  for (const [tenant, entry] of [...byTenant].sort(([a], [b]) => a.localeCompare(b))) {
    const documents: string[] = [];
    if (!known.tenants.has(tenant)) {
      const rotations = entry.secrets.reduce(
        (n, s) =>
          n +
          rotationsPerMonth(
            known.schedules.get(s.schedule)?.everyDays ?? newSchedules.get(s.schedule)!.everyDays,
          ),
        0,
      );
      const plan = smallestPlanFor(entry.secrets.length, rotations);
      documents.push(
        `# review: discovered in ${entry.account}/${entry.region}; plan "${plan}" is the smallest that fits ` +
          `${entry.secrets.length} secret(s), and no compliance framework is set.\n` +
          doc(
            "Tenant",
            { name: tenant },
            { plan, aws: { account: entry.account, region: entry.region } },
          ),
      );
    }
    for (const s of [...entry.secrets].sort((a, b) => a.name.localeCompare(b.name))) {
      const notes = [
        s.typeGuessed ? `type "${s.type}" guessed from the name` : "",
        s.scheduleGuessed ? `no rotation configured: schedule "${s.schedule}" is a default` : "",
        "list the services that read it in spec.consumers",
      ].filter(Boolean);
      documents.push(
        `# review (adopted from ${s.awsName}): ${notes.join("; ")}.\n` +
          doc("Secret", { name: s.name, tenant }, { type: s.type, schedule: s.schedule }),
      );
      secrets.push(s);
    }
    files[`tenants/${tenant}/discovered.yaml`] = documents.join("---\n");
  }
  if (newSchedules.size > 0) {
    files["schedules.discovered.yaml"] = [...newSchedules]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) =>
        doc(
          "RotationSchedule",
          { name },
          {
            every: `${s.everyDays}d`,
            ...(s.window && {
              window: { start: s.window.start, duration: `${s.window.durationHours}h` },
            }),
          },
        ),
      )
      .join("---\n");
  }
  return { files, secrets, tenants: [...byTenant.keys()].sort(), skipped };
}

function doc(kind: string, metadata: Record<string, string>, spec: object): string {
  return stringify({ apiVersion: API_VERSION, kind, metadata, spec });
}

function scheduleFor(
  secret: LiveSecret,
  known: KnownPolicies,
  created: Map<string, { everyDays: number; window?: { start: string; durationHours: number } }>,
): { schedule: string; guessed: boolean } {
  const live = describeLiveRules(secret.rotationRules);
  const guessed = !secret.rotationEnabled || live.everyDays === undefined;
  const everyDays = Math.min(365, Math.max(1, live.everyDays ?? DEFAULT_EVERY_DAYS));
  const window =
    live.start !== undefined && live.durationHours !== undefined
      ? { start: live.start, durationHours: live.durationHours }
      : undefined;
  const fits = (s: { everyDays: number; window?: { start: string; durationHours: number } }) =>
    s.everyDays === everyDays &&
    (window === undefined ||
      (s.window?.start === window.start && s.window.durationHours === window.durationHours));
  // The tag names the schedule the secret was deployed with: keep it when it fits.
  const tagged = secret.tags[TAG_SCHEDULE];
  for (const source of [known.schedules, created]) {
    if (tagged && source.get(tagged) && fits(source.get(tagged)!))
      return { schedule: tagged, guessed };
  }
  if (tagged && NAME_PATTERN.test(tagged) && !known.schedules.has(tagged) && !created.has(tagged)) {
    created.set(tagged, { everyDays, ...(window && { window }) });
    return { schedule: tagged, guessed };
  }
  for (const source of [known.schedules, created]) {
    for (const [name, s] of source) if (fits(s)) return { schedule: name, guessed };
  }
  const name = window
    ? `every-${everyDays}d-at-${window.start.replace(":", "")}`
    : `every-${everyDays}d`;
  created.set(name, { everyDays, ...(window && { window }) });
  return { schedule: name, guessed };
}
