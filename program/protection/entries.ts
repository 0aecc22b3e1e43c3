import type { TenantDocument } from "../documents.js";
import type { ValuePath } from "../load/document-source.js";
import type { PolicyIndex } from "../policy-set.js";
import type { EntryPointSpec } from "./spec.js";

/** Each entry point of each tenant, with its path in the tenant's document (for diagnostics). */
export function* entryPointsOf(
  policies: PolicyIndex,
): Generator<{ tenant: TenantDocument; entry: EntryPointSpec; path: ValuePath }> {
  for (const tenant of policies.tenantByName.values()) {
    const entries = tenant.spec.entryPoints ?? [];
    for (let i = 0; i < entries.length; i++)
      yield { tenant, entry: entries[i]!, path: ["spec", "entryPoints", i] };
  }
}

/** Each address of an entry point's WAF allow lists, with its family and path. */
export function* allowListAddresses(
  entry: EntryPointSpec,
  path: ValuePath,
): Generator<{ text: string; family: 4 | 6; path: ValuePath }> {
  for (const family of [4, 6] as const) {
    const list = entry.waf?.allow?.[family === 4 ? "ipv4" : "ipv6"] ?? [];
    for (let j = 0; j < list.length; j++)
      yield { text: list[j]!, family, path: [...path, "waf", "allow", `ipv${family}`, j] };
  }
}
