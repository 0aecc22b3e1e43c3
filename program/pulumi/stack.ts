import type * as pulumi from "@pulumi/pulumi";
import type { VaultpilotComponent } from "../../components/aws/component.js";
import {
  accessRoleName,
  backupRoleName,
  roleArn,
  rotationRoleName,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import { TenantKey } from "../../components/aws/tenant-key.js";
import type { Tenant } from "../model.js";
import { secretStoreClusters, secretStoreIdentity } from "../kubernetes.js";
import { CONCERNS } from "./concerns/registry.js";
import type { Concern, StackInputs, TenantContext } from "./concerns/concern.js";
import type { GuardedRole } from "../../components/aws/guardrails.js";
import type { Role } from "@pulumi/aws/iam/index.js";
import { disasterRecoveryProvider, tenantProviders, type Providers } from "./providers.js";
import type { StackSettings } from "./settings.js";

export type { StackInputs } from "./concerns/concern.js";

/** What the program made for one tenant, for stack outputs and for tests. */
export interface TenantResources {
  readonly tenant: string;
  readonly providers: Providers;
  readonly key: TenantKey;
  /** Each concern's components, by the concern's name. */
  readonly concerns: ReadonlyMap<string, readonly VaultpilotComponent[]>;
}

/**
 * Creates every resource of the given tenants: the tenant's providers and key, then each concern
 * of `concerns` (default: the registry, `concerns/registry.ts`). The Pulumi program and `vaultpilot
 * plan` both call this, so what the plan lists is what `pulumi up` creates. `opts` is applied to
 * each tenant's top-level resources (the plan passes a transformation that records them).
 */
export function createStackResources(
  tenants: readonly Tenant[],
  settings: StackSettings,
  inputs: StackInputs = {},
  opts: pulumi.ComponentResourceOptions = {},
  concerns: readonly Concern[] = CONCERNS,
): TenantResources[] {
  // Concerns marked `last` run after the others (they read what the others made).
  const ordered = [...concerns.filter((c) => !c.last), ...concerns.filter((c) => c.last)];
  const slices = ordered.map((c) => [c, c.settings({ settings, inputs })] as const);
  return tenants.map((tenant) => {
    const scope: TenantScope = {
      tenant: tenant.name,
      account: tenant.aws.account,
      region: tenant.aws.region,
    };
    const providers = tenantProviders(tenant, scope, settings, opts.transformations);
    const roles: GuardedRole[] = [];
    const collectRoles: pulumi.ResourceTransformation = (args) => {
      if (args.type === "aws:iam/role:Role") {
        roles.push({ name: args.name, role: args.resource as Role });
      }
      return undefined;
    };
    const options: pulumi.ComponentResourceOptions = {
      ...opts,
      transformations: [...(opts.transformations ?? []), collectRoles],
      providers: Object.fromEntries(
        Object.entries(providers).filter(
          (entry): entry is [string, pulumi.ProviderResource] => entry[1] !== undefined,
        ),
      ),
    };
    const drProvider = disasterRecoveryProvider(tenant, scope, settings, opts.transformations);
    const recovery = drProvider && {
      region: tenant.disasterRecovery!.region,
      provider: drProvider,
    };
    const key = new TenantKey(
      tenant.name,
      {
        scope,
        readerRoleArns: [
          ...tenant.services.map((s) => roleArn(scope, accessRoleName(tenant.name, s.name))),
          ...secretStoreClusters(tenant).map((c) =>
            roleArn(scope, accessRoleName(tenant.name, secretStoreIdentity(c.name))),
          ),
        ],
        rotationRoleArns: [...new Set(tenant.secrets.map((s) => s.type))].map((t) =>
          roleArn(scope, rotationRoleName(tenant.name, t)),
        ),
        deletionWindowInDays: settings.keyDeletionWindowDays,
        ...(tenant.backup && { backupRoleArns: [roleArn(scope, backupRoleName(tenant.name))] }),
        ...(recovery && { replica: recovery }),
      },
      options,
    );
    const context: TenantContext = {
      tenant,
      scope,
      providers,
      key,
      options,
      roles,
      ...(recovery && { disasterRecovery: { ...recovery, keyArn: key.replicaKeyArn! } }),
    };
    return {
      tenant: tenant.name,
      providers,
      key,
      concerns: new Map(slices.map(([c, slice]) => [c.name, c.components(context, slice)])),
    };
  });
}

/** The components of one class that a tenant's concerns made (for stack outputs). */
export function componentsOf<T extends VaultpilotComponent>(
  resources: TenantResources,
  kind: abstract new (...args: never[]) => T,
): T[] {
  return [...resources.concerns.values()].flat().filter((c): c is T => c instanceof kind);
}
