// The shapes of schemas/protection.defs.schema.json, as program/documents.ts uses them in TenantSpec
// (test/program/document-types.test.ts holds them to the schema field by field).

export type EntryPointKind = "rest-api" | "alb";

export interface EntryPointSpec {
  readonly name: string;
  readonly kind: EntryPointKind;
  readonly arn: string;
  readonly waf?: WafSpec;
  readonly throttling?: ThrottlingSpec;
}

export interface WafSpec {
  readonly managedRuleGroups?: readonly string[];
  readonly rateLimit?: { readonly limit: number; readonly window?: number };
  readonly countries?: { readonly block?: readonly string[]; readonly allow?: readonly string[] };
  readonly allow?: { readonly ipv4?: readonly string[]; readonly ipv6?: readonly string[] };
  readonly logging?: boolean;
  readonly blockedRequestsAlarm?: number;
}

export interface ThrottlingSpec {
  readonly rate: number;
  readonly burst: number;
  readonly routes?: readonly {
    readonly route: string;
    readonly rate: number;
    readonly burst: number;
  }[];
}
