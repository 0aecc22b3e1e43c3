import type { TenantSpec } from "../documents.js";
import {
  complianceLogRetention,
  DEFAULT_BLOCKED_REQUESTS_ALARM,
  DEFAULT_MANAGED_RULE_GROUPS,
  DEFAULT_RATE_WINDOW,
} from "./policy.js";
import type { EntryPointKind } from "./spec.js";

/** A public entry point of a tenant, with the policy's defaults applied. */
export interface EntryPoint {
  readonly name: string;
  readonly kind: EntryPointKind;
  readonly arn: string;
  /** Absent when the policy gives no `waf` block: no web ACL. */
  readonly waf?: EntryPointWaf;
  /** Absent when the policy gives no `throttling` block: the stage keeps its own. */
  readonly throttling?: Throttling;
}

export interface EntryPointWaf {
  readonly managedRuleGroups: readonly string[];
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number };
  readonly countries?: { readonly action: "block" | "allow"; readonly codes: readonly string[] };
  readonly allow: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  readonly logging: boolean;
  readonly blockedRequestsAlarm: number;
}

export interface Throttling {
  readonly rate: number;
  readonly burst: number;
  readonly routes: readonly {
    readonly route: string;
    readonly rate: number;
    readonly burst: number;
  }[];
}

/** The tenant's entry points, defaults applied (see the schema's descriptions and policy.ts). */
export function toEntryPoints(spec: TenantSpec): EntryPoint[] {
  return (spec.entryPoints ?? []).map((entry) => {
    const waf = entry.waf;
    const countries = waf?.countries;
    return {
      name: entry.name,
      kind: entry.kind,
      arn: entry.arn,
      ...(waf && {
        waf: {
          managedRuleGroups: [...(waf.managedRuleGroups ?? DEFAULT_MANAGED_RULE_GROUPS)],
          ...(waf.rateLimit && {
            rateLimit: {
              limit: waf.rateLimit.limit,
              windowSeconds: waf.rateLimit.window ?? DEFAULT_RATE_WINDOW,
            },
          }),
          ...(countries && {
            countries: countries.block
              ? { action: "block" as const, codes: [...countries.block] }
              : { action: "allow" as const, codes: [...(countries.allow ?? [])] },
          }),
          allow: { ipv4: [...(waf.allow?.ipv4 ?? [])], ipv6: [...(waf.allow?.ipv6 ?? [])] },
          logging: waf.logging ?? true,
          blockedRequestsAlarm: waf.blockedRequestsAlarm ?? DEFAULT_BLOCKED_REQUESTS_ALARM,
        },
      }),
      ...(entry.throttling && {
        throttling: {
          rate: entry.throttling.rate,
          burst: entry.throttling.burst,
          routes: (entry.throttling.routes ?? []).map((r) => ({ ...r })),
        },
      }),
    };
  });
}

/**
 * The tenant's log retention in days: `spec.logRetention`, else its frameworks' minimum
 * (MIN_LOG_RETENTION_DAYS), else undefined (the stack's `vaultpilot:logRetentionDays`).
 */
export function tenantLogRetention(spec: TenantSpec): number | undefined {
  return spec.logRetention ?? complianceLogRetention(spec.compliance ?? [])?.days;
}
