import type { ExpectedSecret, ExpectedTenant } from "../../cloud/aws/expected.js";
import { claimedTenant } from "../../cloud/aws/naming.js";
import type { Severity } from "../../program/diagnostics.js";
import {
  accountKey,
  pendingVersion,
  resolveKeyId,
  type LiveAccount,
  type LiveRotationRules,
  type LiveSecret,
} from "../../cloud/aws/live/state.js";

/** Every check drift can report: its id, severity and what it means (for --help and SARIF). */
export const CHECKS = {
  "secret-exists": {
    severity: "error",
    description: "The secret a policy declares exists and is not scheduled for deletion.",
  },
  "secret-key": {
    severity: "error",
    description: "The secret is encrypted with its tenant's KMS key.",
  },
  "rotation-enabled": { severity: "error", description: "Rotation is enabled on the secret." },
  "rotation-schedule": {
    severity: "error",
    description:
      "The secret rotates on its policy's schedule (interval, and window where AWS reports one).",
  },
  "rotation-function": {
    severity: "error",
    description: "The secret is rotated by its tenant's rotation function for its type.",
  },
  "secret-tags": {
    severity: "warning",
    description:
      "The secret carries the vaultpilot:tenant, vaultpilot:type and vaultpilot:schedule tags its policy implies.",
  },
  "rotation-overdue": {
    severity: "error",
    description:
      "The last rotation is no older than the schedule, plus the window, plus the grace.",
  },
  "rotation-stuck": {
    severity: "error",
    description:
      "No AWSPENDING version older than the stuck-after hours (a rotation that started and never finished).",
  },
  "key-alias": {
    severity: "error",
    description: "The tenant's key alias alias/vaultpilot/<tenant> exists.",
  },
  "key-enabled": { severity: "error", description: "The tenant's KMS key is enabled." },
  "key-rotation": {
    severity: "error",
    description: "Automatic rotation of the tenant's KMS key is on.",
  },
  "key-pending-deletion": {
    severity: "error",
    description: "The tenant's KMS key is not scheduled for deletion.",
  },
  "unmanaged-secret": {
    severity: "warning",
    description:
      "A secret tagged vaultpilot:tenant or named vaultpilot/… is declared by a policy (adopt it with vaultpilot discover).",
  },
  "vault-secret-exists": {
    severity: "error",
    description:
      "A secret of a tenant on a vault store exists at <pathPrefix>/<name> in its KV v2 mount.",
  },
  "vault-latest-current": {
    severity: "warning",
    description:
      "Outside a rotation, a vault secret's latest KV version is its current one (nothing wrote it outside VaultPilot).",
  },
  "secret-resource-policy": {
    severity: "warning",
    description:
      "--deep: the secret has the resource policy the program attaches (denying other tenants).",
  },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type CheckId = keyof typeof CHECKS;

export interface Finding {
  readonly tenant: string;
  /** The secret's name in Secrets Manager, or the tenant key's alias. */
  readonly resource: string;
  readonly check: CheckId;
  readonly expected: string;
  readonly actual: string;
  readonly severity: Severity;
}

export interface CheckOptions {
  /** The time the checks are evaluated at. */
  readonly at: Date;
  /** Added to schedule + window before a rotation counts as overdue. */
  readonly graceHours: number;
  /** Age after which an AWSPENDING version counts as stuck. */
  readonly stuckHours: number;
  readonly deep: boolean;
}

export interface CheckInput {
  /** The tenants being checked (the stack's). */
  readonly tenants: readonly ExpectedTenant[];
  /** Every tenant name any policy declares, in or out of this stack. */
  readonly knownTenants: ReadonlySet<string>;
  /** `${account}/${region}/${secretName}` of every secret any policy declares. */
  readonly declared: ReadonlySet<string>;
  readonly live: readonly LiveAccount[];
}

const HOUR = 3_600_000;

function finding(
  check: CheckId,
  tenant: string,
  resource: string,
  expected: string,
  actual: string,
): Finding {
  return { tenant, resource, check, expected, actual, severity: CHECKS[check].severity };
}

/** Compares the expected state with the live one. Pure: same input, same findings, in a stable order. */
export function checkDrift(input: CheckInput, options: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  const liveByAccount = new Map(
    input.live.map((live) => [accountKey(live.account, live.region), live]),
  );
  for (const tenant of input.tenants) {
    const live = liveByAccount.get(accountKey(tenant.account, tenant.region));
    if (!live) continue;
    const keyId = checkKey(tenant, live, findings);
    const byName = new Map(live.secrets.map((secret) => [secret.name, secret]));
    for (const expected of tenant.secrets) {
      checkSecret(expected, byName.get(expected.name), { tenant, live, keyId }, options, findings);
    }
  }
  const selected = new Set(input.tenants.map((tenant) => tenant.name));
  for (const live of input.live) {
    for (const secret of live.secrets) {
      if (secret.deletedDate) continue;
      const claimed = claimedTenant(secret.name, secret.tags);
      if (claimed === undefined) continue;
      if (input.declared.has(`${accountKey(live.account, live.region)}/${secret.name}`)) continue;
      // Another stack's tenant reports its own; a tenant no policy knows is reported everywhere.
      if (!selected.has(claimed) && input.knownTenants.has(claimed)) continue;
      findings.push(
        finding(
          "unmanaged-secret",
          claimed,
          secret.name,
          "declared by a policy",
          `not declared (in ${live.account}/${live.region}); adopt it with vaultpilot discover`,
        ),
      );
    }
  }
  return findings;
}

/** Checks the tenant's key; returns its key id when the alias resolves. */
function checkKey(
  tenant: ExpectedTenant,
  live: LiveAccount,
  findings: Finding[],
): string | undefined {
  const keyId = live.aliases.get(tenant.keyAlias);
  if (!keyId) {
    findings.push(finding("key-alias", tenant.name, tenant.keyAlias, "present", "missing"));
    return undefined;
  }
  const key = live.keys.get(keyId);
  if (!key) {
    findings.push(
      finding("key-enabled", tenant.name, tenant.keyAlias, "enabled", `key ${keyId} not found`),
    );
    return keyId;
  }
  if (key.keyState === "PendingDeletion" || key.keyState === "PendingReplicaDeletion") {
    const when = key.deletionDate ? ` on ${iso(key.deletionDate)}` : "";
    findings.push(
      finding(
        "key-pending-deletion",
        tenant.name,
        tenant.keyAlias,
        "not scheduled for deletion",
        `deletion scheduled${when}`,
      ),
    );
    return keyId;
  }
  if (!key.enabled) {
    findings.push(finding("key-enabled", tenant.name, tenant.keyAlias, "enabled", key.keyState));
  }
  if (key.rotationEnabled === false) {
    findings.push(
      finding("key-rotation", tenant.name, tenant.keyAlias, "automatic rotation on", "off"),
    );
  }
  return keyId;
}

function checkSecret(
  expected: ExpectedSecret,
  secret: LiveSecret | undefined,
  context: { tenant: ExpectedTenant; live: LiveAccount; keyId: string | undefined },
  options: CheckOptions,
  findings: Finding[],
): void {
  const tenant = expected.tenant;
  const resource = expected.name;
  if (!secret) {
    findings.push(finding("secret-exists", tenant, resource, "exists", "missing"));
    return;
  }
  if (secret.deletedDate) {
    findings.push(
      finding(
        "secret-exists",
        tenant,
        resource,
        "exists",
        `scheduled for deletion (deleted ${iso(secret.deletedDate)})`,
      ),
    );
    return;
  }
  if (context.keyId !== undefined) {
    const actualKey = resolveKeyId(secret.kmsKeyId, context.live.aliases);
    if (actualKey !== context.keyId) {
      findings.push(
        finding(
          "secret-key",
          tenant,
          resource,
          `${context.tenant.keyAlias} (${context.keyId})`,
          secret.kmsKeyId ?? "aws/secretsmanager (the account's default key)",
        ),
      );
    }
  }
  const tagDiffs = Object.entries(expected.tags)
    .filter(([key, value]) => secret.tags[key] !== value)
    .map(([key]) => key);
  if (tagDiffs.length > 0) {
    findings.push(
      finding(
        "secret-tags",
        tenant,
        resource,
        tagDiffs.map((key) => `${key}=${expected.tags[key]}`).join(", "),
        tagDiffs
          .map((key) => (key in secret.tags ? `${key}=${secret.tags[key]}` : `${key} missing`))
          .join(", "),
      ),
    );
  }
  if (!secret.rotationEnabled) {
    findings.push(finding("rotation-enabled", tenant, resource, "enabled", "disabled"));
  }
  if (secret.rotationEnabled || secret.rotationRules) {
    const schedule = scheduleDifference(expected, secret.rotationRules);
    if (schedule)
      findings.push(
        finding("rotation-schedule", tenant, resource, schedule.expected, schedule.actual),
      );
    const fn = functionDifference(expected, context.tenant, secret.rotationLambdaArn);
    if (fn) findings.push(finding("rotation-function", tenant, resource, fn.expected, fn.actual));
  }
  if (secret.rotationEnabled) {
    const last = secret.lastRotatedDate ?? secret.createdDate;
    if (last) {
      const windowHours = expected.rotation.window?.durationHours ?? 0;
      const deadline = new Date(
        last.getTime() +
          expected.rotation.everyDays * 24 * HOUR +
          (windowHours + options.graceHours) * HOUR,
      );
      if (options.at.getTime() > deadline.getTime()) {
        findings.push(
          finding(
            "rotation-overdue",
            tenant,
            resource,
            `rotated by ${iso(deadline)} (every ${expected.rotation.everyDays}d${windowHours ? ` + ${windowHours}h window` : ""} + ${options.graceHours}h grace)`,
            `${secret.lastRotatedDate ? "last rotated" : "never rotated; created"} ${iso(last)}`,
          ),
        );
      }
    }
  }
  const pending = pendingVersion(secret);
  if (pending && secret.pendingCreated) {
    const ageHours = (options.at.getTime() - secret.pendingCreated.getTime()) / HOUR;
    if (ageHours > options.stuckHours) {
      findings.push(
        finding(
          "rotation-stuck",
          tenant,
          resource,
          `no AWSPENDING older than ${options.stuckHours}h`,
          `AWSPENDING on version ${pending} since ${iso(secret.pendingCreated)} (${Math.floor(ageHours)}h)`,
        ),
      );
    }
  }
  if (options.deep && secret.resourcePolicy !== undefined) {
    if (!secret.resourcePolicy || !/"Effect"\s*:\s*"Deny"/.test(secret.resourcePolicy)) {
      findings.push(
        finding(
          "secret-resource-policy",
          tenant,
          resource,
          "a resource policy denying other tenants",
          secret.resourcePolicy
            ? "a resource policy without a Deny statement"
            : "no resource policy",
        ),
      );
    }
  }
}

function describeRules(rules: LiveRotationRules): string {
  const parts = [
    rules.scheduleExpression,
    rules.automaticallyAfterDays !== undefined
      ? `every ${rules.automaticallyAfterDays}d`
      : undefined,
    rules.duration !== undefined ? `for ${rules.duration}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "no rotation rules";
}

/**
 * The live rules against the program's (`rotationRules`). Where Secrets Manager reports a
 * ScheduleExpression (real AWS does, with the Duration; RotationRulesType), it must be the
 * program's exactly, with the same window: a windowed schedule replaced by a plain every-N-days
 * rule (`rate(N days)`, no Duration) or a cron at another hour is drift. A schedule without a
 * window is `rate(N days)` in that form (or `AutomaticallyAfterDays` N), with no window or a
 * whole day. Where no expression is reported, AutomaticallyAfterDays must be the schedule's days:
 * moto keeps only that field (it drops ScheduleExpression and Duration), so there the window cannot be compared.
 */
export function scheduleDifference(
  expected: Pick<ExpectedSecret, "rotation">,
  rules: LiveRotationRules | undefined,
): { expected: string; actual: string } | undefined {
  const want = expected.rotation.rules;
  const have = rules ?? {};
  const everyDays = expected.rotation.everyDays;
  let same: boolean;
  if (have.scheduleExpression !== undefined) {
    const expression = have.scheduleExpression.trim();
    same = want.scheduleExpression
      ? expression === want.scheduleExpression && have.duration === want.duration
      : sameRate(expression, everyDays) && (have.duration === undefined || have.duration === "24h");
  } else {
    same =
      have.automaticallyAfterDays === everyDays &&
      (have.duration === undefined || have.duration === want.duration);
  }
  if (same) return undefined;
  return { expected: describeRules(want), actual: describeRules(have) };
}

/** `rate(N days)`, or `rate(1 day)`, for N days. */
function sameRate(expression: string, everyDays: number): boolean {
  const rate = /^rate\((\d+) days?\)$/.exec(expression);
  return rate !== null && Number(rate[1]) === everyDays;
}

function functionDifference(
  expected: ExpectedSecret,
  tenant: ExpectedTenant,
  arn: string | undefined,
): { expected: string; actual: string } | undefined {
  const match = arn && /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:([^:]+)(?::.*)?$/.exec(arn);
  const ok =
    match &&
    match[1] === tenant.region &&
    match[2] === tenant.account &&
    match[3] === expected.functionName;
  if (ok) return undefined;
  return {
    expected: `function ${expected.functionName} in ${tenant.account}/${tenant.region}`,
    actual: arn || "no rotation function",
  };
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
