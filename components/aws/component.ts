import * as pulumi from "@pulumi/pulumi";

/** What a component belongs to in the policies: the plan reads it to say which tenant, secret or service a change touches. */
export interface Subject {
  readonly tenant: string;
  readonly secret?: string;
  readonly service?: string;
  /** Set on rotation functions: they serve every secret of this type. */
  readonly secretType?: string;
}

/**
 * What one child resource does for the policies, declared by the component that creates it, so
 * the plan's impact reads meaning from here and never from child names, policy Sids or ARNs.
 * - `secret`: holds the value of the tenant's secret `secret`.
 * - `rotation`: rotates the secret `secret` on its schedule.
 * - `identity`: the identity the service `service` runs as (created or removed: it restarts).
 * - `read-access`: lets the service `service` read exactly `secrets` (names in the policies).
 * - `log-retention`: a log group whose `retentionInDays` bounds how long evidence is kept.
 * - `traffic-filter`: the web ACL of the entry point `entryPoint` (its rules decide live traffic).
 * - `allow-list`: an IP set of addresses the entry point's web ACL lets through.
 * - `throttling`: the API Gateway throttling of the entry point's stage, for `route` ("every method"
 *   or "METHOD /path").
 * - `backup-plan`: the tenant's backup plan (its rules' lifecycles are in the inputs).
 * - `encryption-key`: the tenant's KMS key (replacing it is never routine).
 */
export type Purpose =
  | { readonly kind: "secret"; readonly secret: string }
  | { readonly kind: "rotation"; readonly secret: string }
  | { readonly kind: "identity"; readonly service: string }
  | { readonly kind: "read-access"; readonly service: string; readonly secrets: readonly string[] }
  | { readonly kind: "log-retention"; readonly logGroup: string }
  | { readonly kind: "traffic-filter"; readonly entryPoint: string }
  | { readonly kind: "allow-list"; readonly entryPoint: string }
  | { readonly kind: "throttling"; readonly entryPoint: string; readonly route: string }
  | { readonly kind: "backup-plan" }
  | { readonly kind: "encryption-key" };

/** A ComponentResource that remembers its type token, name and subject (Pulumi keeps those internal). */
export abstract class VaultpilotComponent extends pulumi.ComponentResource {
  /** The purpose of each child that has one (see `declarePurpose`). */
  readonly purposes = new Map<pulumi.Resource, Purpose>();

  constructor(
    readonly typeToken: string,
    readonly logicalName: string,
    readonly subject: Subject,
    opts: pulumi.ComponentResourceOptions | undefined,
  ) {
    super(typeToken, logicalName, {}, opts);
  }

  /** Records what `child` is for (read by `vaultpilot plan`'s impact) and returns it. */
  protected declarePurpose<T extends pulumi.Resource>(child: T, purpose: Purpose): T {
    this.purposes.set(child, purpose);
    return child;
  }
}
