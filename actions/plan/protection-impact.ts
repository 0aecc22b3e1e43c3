import type { SubjectResource } from "./resources.js";

/** A change to an entry point's web ACL, allow list or throttling that changes which requests get through. */
export interface TrafficImpact {
  readonly tenant: string;
  readonly entryPoint: string;
  readonly reasons: readonly string[];
}

/** A log group whose events will be deleted earlier: its retention shortens, or it is removed. */
export interface RetentionImpact {
  readonly tenant: string;
  readonly logGroup: string;
  /** Days; absent: kept forever. */
  readonly before?: number;
  /** Days; absent: the log group is removed. */
  readonly after?: number;
}

/** As impact.ts's ChangeKind (not imported: impact.ts imports this module). */
type Change = readonly [
  "create" | "update" | "delete",
  SubjectResource,
  SubjectResource | undefined,
];

interface RuleInput {
  readonly name?: string;
  readonly statement?: {
    readonly managedRuleGroupStatement?: { readonly name?: string };
    readonly rateBasedStatement?: {
      readonly limit?: number;
      readonly evaluationWindowSec?: number;
    };
    readonly geoMatchStatement?: { readonly countryCodes?: readonly string[] };
    readonly notStatement?: {
      readonly statement?: {
        readonly geoMatchStatement?: { readonly countryCodes?: readonly string[] };
      };
    };
  };
}

const rulesOf = (r: SubjectResource | undefined): RuleInput[] =>
  Array.isArray(r?.inputs.rules) ? (r.inputs.rules as RuleInput[]) : [];

const managed = (rules: RuleInput[]) =>
  rules.flatMap((r) => r.statement?.managedRuleGroupStatement?.name ?? []);

/** Requests per second a rate rule lets one IP send (limits over different windows compare). */
function ratePerSecond(rules: RuleInput[]): { text: string; perSecond: number } | undefined {
  const rate = rules.find((r) => r.statement?.rateBasedStatement)?.statement?.rateBasedStatement;
  if (rate?.limit === undefined) return undefined;
  const window = rate.evaluationWindowSec ?? 300;
  return { text: `${rate.limit} per ${window} s`, perSecond: rate.limit / window };
}

/** The countries a request may come from: blocked ones, or only the allowed ones. */
function countries(rules: RuleInput[]): { block: string[] } | { allow: string[] } | undefined {
  for (const r of rules) {
    const blocked = r.statement?.geoMatchStatement?.countryCodes;
    if (blocked) return { block: [...blocked] };
    const allowed = r.statement?.notStatement?.statement?.geoMatchStatement?.countryCodes;
    if (allowed) return { allow: [...allowed] };
  }
  return undefined;
}

const list = (items: readonly string[]) => items.join(", ");

/** How a web ACL's rules change what gets through, in a reviewer's words. */
export function webAclChanges(before: RuleInput[], after: RuleInput[]): string[] {
  const reasons: string[] = [];
  const was = managed(before);
  const now = managed(after);
  const added = now.filter((g) => !was.includes(g));
  const removed = was.filter((g) => !now.includes(g));
  if (added.length)
    reasons.push(
      `managed rule group${added.length > 1 ? "s" : ""} added: ${list(added)} (may block requests that pass today)`,
    );
  if (removed.length)
    reasons.push(
      `managed rule group${removed.length > 1 ? "s" : ""} removed: ${list(removed)} (requests it blocked get through)`,
    );
  const rateWas = ratePerSecond(before);
  const rateNow = ratePerSecond(after);
  if (rateNow && (!rateWas || rateNow.perSecond < rateWas.perSecond))
    reasons.push(
      `rate limit ${rateWas ? `lowered: ${rateWas.text} => ${rateNow.text}` : `added: ${rateNow.text}`} per client IP`,
    );
  if (rateWas && !rateNow) reasons.push(`rate limit removed (was ${rateWas.text})`);
  const geoWas = countries(before);
  const geoNow = countries(after);
  if (geoNow && "block" in geoNow) {
    const newly = geoNow.block.filter(
      (c) => !(geoWas && "block" in geoWas && geoWas.block.includes(c)),
    );
    if (newly.length) reasons.push(`countries blocked: ${list(newly)}`);
  } else if (geoNow && "allow" in geoNow) {
    const dropped =
      geoWas && "allow" in geoWas ? geoWas.allow.filter((c) => !geoNow.allow.includes(c)) : [];
    if (!geoWas || !("allow" in geoWas))
      reasons.push(`only requests from ${list(geoNow.allow)} allowed`);
    else if (dropped.length) reasons.push(`countries no longer allowed: ${list(dropped)}`);
  }
  return reasons;
}

const addresses = (r: SubjectResource | undefined): string[] =>
  Array.isArray(r?.inputs.addresses) ? (r.inputs.addresses as string[]) : [];

const days = (r: SubjectResource | undefined): number | undefined => {
  const value = r?.inputs.retentionInDays;
  return typeof value === "number" && value > 0 ? value : undefined;
};

/**
 * What the protection concern's changes do to live traffic (web ACLs, allow lists, throttling)
 * and to kept evidence (log retention), read from the purposes components declare.
 */
export function protectionImpact(changes: readonly Change[]): {
  traffic: TrafficImpact[];
  retention: RetentionImpact[];
} {
  const traffic = new Map<string, { tenant: string; entryPoint: string; reasons: string[] }>();
  const retention: RetentionImpact[] = [];
  const note = (tenant: string, entryPoint: string, reason: string) => {
    const key = `${tenant}/${entryPoint}`;
    const entry = traffic.get(key) ?? { tenant, entryPoint, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    traffic.set(key, entry);
  };
  for (const [kind, resource, before] of changes) {
    const purpose = resource.purpose;
    const tenant = resource.subject?.tenant;
    if (!purpose || tenant === undefined) continue;
    if (purpose.kind === "traffic-filter") {
      if (kind === "delete")
        note(tenant, purpose.entryPoint, "its web ACL is removed: requests are no longer filtered");
      else {
        if (kind === "create")
          note(tenant, purpose.entryPoint, "a web ACL starts filtering its requests");
        for (const reason of webAclChanges(rulesOf(before), rulesOf(resource)))
          note(tenant, purpose.entryPoint, reason);
      }
    } else if (purpose.kind === "allow-list") {
      const now = kind === "delete" ? [] : addresses(resource);
      const gone = addresses(kind === "delete" ? resource : before).filter((a) => !now.includes(a));
      if (gone.length)
        note(
          tenant,
          purpose.entryPoint,
          `allow list narrowed: ${list(gone)} no longer skip${gone.length === 1 ? "s" : ""} the web ACL`,
        );
    } else if (purpose.kind === "throttling") {
      const limits = (r: SubjectResource | undefined) =>
        (r?.inputs.settings ?? {}) as {
          throttlingRateLimit?: number;
          throttlingBurstLimit?: number;
        };
      const path = purpose.route;
      const now = limits(resource);
      if (kind === "create")
        note(
          tenant,
          purpose.entryPoint,
          `throttling set on ${path}: rate ${now.throttlingRateLimit}/s, burst ${now.throttlingBurstLimit}`,
        );
      else if (kind === "update") {
        const was = limits(before);
        const lowered = (["throttlingRateLimit", "throttlingBurstLimit"] as const).filter(
          (k) => (now[k] ?? Infinity) < (was[k] ?? Infinity),
        );
        if (lowered.length)
          note(
            tenant,
            purpose.entryPoint,
            `throttling lowered on ${path}: rate ${was.throttlingRateLimit}/s => ${now.throttlingRateLimit}/s, burst ${was.throttlingBurstLimit} => ${now.throttlingBurstLimit}`,
          );
      }
    } else if (purpose.kind === "log-retention" && kind !== "create") {
      const was = days(kind === "delete" ? resource : before);
      const now = kind === "delete" ? undefined : days(resource);
      const shorter = kind === "delete" || (now !== undefined && (was === undefined || now < was));
      if (shorter)
        retention.push({
          tenant,
          logGroup: purpose.logGroup,
          ...(was !== undefined && { before: was }),
          ...(now !== undefined && { after: now }),
        });
    }
  }
  const order =
    <T extends { tenant: string }>(key: (t: T) => string) =>
    (x: T, y: T) =>
      x.tenant.localeCompare(y.tenant) || key(x).localeCompare(key(y));
  return {
    traffic: [...traffic.values()].sort(order((t) => t.entryPoint)),
    retention: retention.sort(order((r) => r.logGroup)),
  };
}

/** One line per impact, for text output and the summary. */
export function retentionText(r: RetentionImpact): string {
  const was = r.before === undefined ? "kept forever" : `${r.before} days`;
  return r.after === undefined
    ? `log group ${r.logGroup} is removed (was ${was}): its events are deleted`
    : `log retention of ${r.logGroup} shortens: ${was} => ${r.after} days (evidence deleted earlier)`;
}
