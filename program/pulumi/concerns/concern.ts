import type * as pulumi from "@pulumi/pulumi";
import type { VaultpilotComponent } from "../../../components/aws/component.js";
import type { GuardedRole } from "../../../components/aws/guardrails.js";
import type { TenantKey } from "../../../components/aws/tenant-key.js";
import type { TenantScope } from "../../../cloud/aws/naming.js";
import type { Tenant } from "../../model.js";
import type { Providers } from "../providers.js";
import type { StackSettings } from "../settings.js";

/** Values only the Pulumi program knows (secrets from stack config), kept out of the plain settings. */
export interface StackInputs {
  readonly alarmWebhookUrl?: pulumi.Input<string>;
}

/** Everything a stack is configured with: its settings (`Pulumi.<stack>.yaml`) and the program's inputs. */
export interface StackConfig {
  readonly settings: StackSettings;
  readonly inputs: StackInputs;
}

/** What a concern gets for one tenant, besides its slice of the settings. */
export interface TenantContext {
  /** The tenant, as the policy model has it (its secrets, services and schedules resolved). */
  readonly tenant: Tenant;
  /** Its account and region. */
  readonly scope: TenantScope;
  /** The tenant's providers by cloud: `aws` always, other clouds when their provider applies. */
  readonly providers: Providers;
  /** The tenant's KMS key: everything of the tenant that is encrypted uses it. */
  readonly key: TenantKey;
  /**
   * Its disaster-recovery region, when the tenant declares one: the AWS provider there (pass it
   * explicitly) and the replica of the tenant's key there.
   */
  readonly disasterRecovery?: {
    readonly region: string;
    readonly provider: pulumi.ProviderResource;
    readonly keyArn: pulumi.Output<string>;
  };
  /**
   * Options for each top-level component a concern creates: the tenant's providers, and the
   * plan's recording transformation. Pass them unchanged.
   */
  readonly options: pulumi.ComponentResourceOptions;
  /**
   * Every IAM role made for the tenant so far, in creation order (collected by a transformation on
   * `options`, so a role counts whichever component or concern made it). A concern marked `last`
   * sees the roles of every other concern.
   */
  readonly roles: readonly GuardedRole[];
}

/**
 * One concern of the stack (secrets and rotation, access, alarms, drift reading, WAF, backup,
 * delivery to Kubernetes or Azure, the audit archive): a function from a tenant and its context to
 * the components that concern makes for it. `settings` picks the concern's slice of the stack's
 * configuration, so a concern reads only what it declares.
 */
export interface Concern<Slice = unknown> {
  /** Names the concern in the registry (`concerns/registry.ts`) and in tests: kebab-case, unique. */
  readonly name: string;
  /** The part of the stack's configuration the concern reads. */
  readonly settings: (stack: StackConfig) => Slice;
  /** The components for one tenant; an empty list when the concern does not apply to it. */
  readonly components: (tenant: TenantContext, settings: Slice) => readonly VaultpilotComponent[];
  /**
   * Runs after every concern that is not `last`, whatever its place in the registry: for a
   * concern that acts on what the others made (the guardrails attach a policy to every role).
   * @default false
   */
  readonly last?: boolean;
}

/** Keeps a concern's slice type checked where it is written, and erases it for the registry. */
export function defineConcern<Slice>(concern: Concern<Slice>): Concern {
  return concern as Concern;
}
