import type { Framework } from "../documents.js";
import type { EntryPointKind } from "./spec.js";

/**
 * The AWS managed rule groups an entry point gets when its `waf.managedRuleGroups` is absent: the
 * baseline and use-case groups AWS recommends for any web application (AWS WAF Developer Guide,
 * "AWS Managed Rules rule groups list": Core rule set, Known bad inputs, SQL database, Linux
 * operating system), by the names AWS publishes.
 */
export const DEFAULT_MANAGED_RULE_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
  "AWSManagedRulesLinuxRuleSet",
] as const;

/**
 * A rate-based rule's bounds (AWS WAF API Reference, RateBasedStatement: `Limit` 10 to
 * 2,000,000,000; `EvaluationWindowSec` 60, 120, 300 or 600, default 300).
 */
export const RATE_LIMIT_MIN = 10;
export const RATE_LIMIT_MAX = 2_000_000_000;
export const RATE_WINDOWS = [60, 120, 300, 600] as const;
export const DEFAULT_RATE_WINDOW = 300;

/** Blocked requests in 5 minutes above which the entry point's alarm fires (VaultPilot's choice). */
export const DEFAULT_BLOCKED_REQUESTS_ALARM = 100;

/**
 * The retention values CloudWatch Logs accepts, in days (CloudWatch Logs API Reference,
 * PutRetentionPolicy `retentionInDays`).
 */
export const LOG_RETENTION_VALUES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * The least log retention, in days, each framework requires, which is also the tenant's default:
 *
 * - pci-dss: 365 days. PCI DSS v4.0 requirement 10.5.1: retain audit log history for at least 12
 *   months, with at least the most recent three months immediately available.
 * - hipaa: 2192 days (6 years, CloudWatch's 6-year value). 45 CFR 164.316(b)(2)(i): retain the
 *   documentation the Security Rule requires for 6 years from its creation or last effective date.
 *
 * soc2 and iso27001 fix no period (SOC 2 CC7.2 and ISO/IEC 27001:2022 Annex A 8.15 leave it to the
 * organisation): their tenants get the stack's `vaultpilot:logRetentionDays`.
 */
export const MIN_LOG_RETENTION_DAYS: Partial<Record<Framework, number>> = {
  "pci-dss": 365,
  hipaa: 2192,
};

/** The tenant's least retention under its frameworks (the longest of them), if any sets one. */
export function complianceLogRetention(
  frameworks: readonly Framework[],
): { days: number; framework: Framework } | undefined {
  let found: { days: number; framework: Framework } | undefined;
  for (const framework of frameworks) {
    const days = MIN_LOG_RETENTION_DAYS[framework];
    if (days !== undefined && (found === undefined || days > found.days))
      found = { days, framework };
  }
  return found;
}

/** The stage or load balancer an entry point's ARN names, or why it does not fit its kind. */
export type ParsedEntryPoint =
  | {
      readonly kind: "rest-api";
      readonly region: string;
      readonly apiId: string;
      readonly stage: string;
    }
  | {
      readonly kind: "alb";
      readonly region: string;
      readonly account: string;
      readonly name: string;
      readonly id: string;
    };

/** What each kind's ARN looks like, for messages. */
export const ENTRY_POINT_ARN_SHAPES: Record<EntryPointKind, string> = {
  "rest-api": "arn:aws:apigateway:REGION::/restapis/API_ID/stages/STAGE",
  alb: "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID",
};

const REST_STAGE =
  /^arn:aws:apigateway:([a-z0-9-]+)::\/restapis\/([A-Za-z0-9]+)\/stages\/([A-Za-z0-9_-]+)$/;
const ALB =
  /^arn:aws:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer\/app\/([A-Za-z0-9-]{1,32})\/([0-9a-f]{16})$/;

/** The parts of an entry point's ARN when it has its kind's shape, else undefined. */
export function parseEntryPointArn(
  kind: EntryPointKind,
  arn: string,
): ParsedEntryPoint | undefined {
  if (kind === "rest-api") {
    const m = REST_STAGE.exec(arn);
    return m ? { kind, region: m[1]!, apiId: m[2]!, stage: m[3]! } : undefined;
  }
  const m = ALB.exec(arn);
  return m ? { kind, region: m[1]!, account: m[2]!, name: m[3]!, id: m[4]! } : undefined;
}

/** An address block: its family, address as bytes, and prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: readonly number[];
  readonly prefix: number;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^(0|[1-9][0-9]{0,2})$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 address (::ffff:192.0.2.1) takes the last two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: number[] = [];
  if (last !== undefined && last.includes(".")) {
    const parsed = parseIpv4(last);
    if (!parsed) return undefined;
    v4 = parsed;
    (halves.length === 2 ? tail : head).pop();
  }
  const words = [...head, ...tail];
  if (!words.every((w) => /^[0-9a-fA-F]{1,4}$/.test(w))) return undefined;
  const count = words.length + v4.length / 2;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const zeros = Array.from({ length: 8 - count }, () => "0");
  const all = [...head, ...(halves.length === 2 ? zeros : []), ...tail].flatMap((w) => {
    const n = parseInt(w, 16);
    return [n >> 8, n & 255];
  });
  return [...all, ...v4];
}

/**
 * A CIDR as AWS WAF's IP sets take it (`address/prefix`, the prefix required: 1 to 32 for IPv4,
 * 1 to 128 for IPv6; AWS WAF API Reference, IPSet `Addresses`), or why it is not one.
 */
export function parseCidr(text: string, family: 4 | 6): Cidr | { error: string } {
  const slash = text.indexOf("/");
  if (slash < 0)
    return { error: "has no prefix length (add /32 for one IPv4 address, /128 for IPv6)" };
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  const bytes = family === 4 ? parseIpv4(address) : parseIpv6(address);
  if (!bytes) {
    const other = family === 4 ? parseIpv6(address) : parseIpv4(address);
    return {
      error: other
        ? `is an IPv${family === 4 ? 6 : 4} address: move it to ipv${family === 4 ? 6 : 4}`
        : `is not an IPv${family} address`,
    };
  }
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > max)
    return { error: `has prefix length "${prefixText}"; IPv${family} takes 0 to ${max}` };
  return { family, bytes, prefix: Number(prefixText) };
}

/** True when the block holds every address of its family (0.0.0.0/0, ::/0, 0:0::/0, …). */
export function isEveryAddress(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}

/** True when the address has bits set past the prefix (AWS WAF refuses 10.0.0.1/8). */
export function hasHostBits(cidr: Cidr): boolean {
  return cidr.bytes.some((byte, i) => {
    const kept = Math.max(0, Math.min(8, cidr.prefix - i * 8));
    return (byte & (0xff >> kept)) !== 0;
  });
}

/** The network address in the canonical text form, for "did you mean". */
export function networkOf(cidr: Cidr): string {
  const bytes = cidr.bytes.map((byte, i) => {
    const kept = Math.max(0, Math.min(8, cidr.prefix - i * 8));
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  if (cidr.family === 4) return `${bytes.join(".")}/${cidr.prefix}`;
  const words = Array.from({ length: 8 }, (_, i) =>
    ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16),
  );
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const text =
    best.at < 0
      ? words.join(":")
      : `${words.slice(0, best.at).join(":")}::${words.slice(best.at + best.length).join(":")}`;
  return `${text}/${cidr.prefix}`;
}
