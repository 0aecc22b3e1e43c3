import type * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/aws/provider.js";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider.js";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider.js";
import { roleArn, type TenantScope } from "../../cloud/aws/naming.js";
import { DEPLOY_MAX_SESSION_SECONDS, deployExternalId } from "../../cloud/aws/deploy-role.js";
import type { Tenant } from "../model.js";
import type { StackSettings } from "./settings.js";

/** A tenant's providers by cloud (Pulumi package name): `aws` always, others when they apply. */
export interface Providers {
  readonly aws: Provider;
  readonly [cloud: string]: pulumi.ProviderResource | undefined;
}

/**
 * Makes one cloud's provider for a tenant, or undefined when the tenant uses nothing of that
 * cloud. `transformations` are the plan's recording ones: pass them to the provider.
 */
export interface CloudProvider {
  /** The Pulumi package the provider is for (`aws`, `kubernetes`, `azure-native`). */
  readonly cloud: string;
  readonly create: (
    tenant: Tenant,
    scope: TenantScope,
    settings: StackSettings,
    transformations: pulumi.ResourceOptions["transformations"],
  ) => pulumi.ProviderResource | undefined;
}

/**
 * The tenant's AWS provider: its own account and region (a tenant lives in its own account),
 * through the deploy role with the tenant's ExternalId (a hash of the installation and the tenant,
 * the same on every deploy) for at most an hour, refusing any other account. Named after the
 * tenant (its identity).
 */
export const awsProvider = {
  cloud: "aws",
  create: (tenant, scope, settings, transformations) =>
    new Provider(tenant.name, awsProviderArgs(tenant, scope, scope.region, settings), {
      transformations,
    }),
} satisfies CloudProvider;

function awsProviderArgs(
  tenant: Tenant,
  scope: TenantScope,
  region: string,
  settings: StackSettings,
) {
  return {
    region,
    allowedAccountIds: [scope.account],
    assumeRoles: [
      {
        roleArn: roleArn(scope, settings.deployRoleName),
        sessionName: "vaultpilot",
        externalId: deployExternalId(tenant.name, settings.installation),
        duration: `${DEPLOY_MAX_SESSION_SECONDS}s`,
      },
    ],
    defaultTags: { tags: { "vaultpilot:managed-by": "vaultpilot" } },
  };
}

/**
 * The tenant's AWS provider in its disaster-recovery region, when it declares one: the tenant's
 * provider (same account, same deploy role) in that region, named `<tenant>/disaster-recovery`.
 * It is not among the tenant's `Providers` (those are default providers by package, and there is
 * one per package): components pass it explicitly to what they create in that region.
 */
export function disasterRecoveryProvider(
  tenant: Tenant,
  scope: TenantScope,
  settings: StackSettings,
  transformations: pulumi.ResourceOptions["transformations"],
): Provider | undefined {
  const region = tenant.disasterRecovery?.region;
  return region === undefined
    ? undefined
    : new Provider(
        `${tenant.name}/disaster-recovery`,
        awsProviderArgs(tenant, scope, region, settings),
        {
          transformations,
        },
      );
}

/**
 * Providers other than AWS, one entry per cloud. A cloud's provider for a tenant is named
 * `<tenant>/<cloud>` (the plan reads the tenant from that name).
 */
export const OTHER_PROVIDERS: readonly CloudProvider[] = [
  {
    // A tenant with spec.azure: its subscription and Entra tenant; credentials from the deploy
    // environment (ARM_CLIENT_ID and the rest, or OIDC), never from the policies.
    cloud: "azure-native",
    create: (tenant, _scope, _settings, transformations) =>
      tenant.azure &&
      new AzureNativeProvider(
        `${tenant.name}/azure-native`,
        {
          subscriptionId: tenant.azure.subscriptionId,
          tenantId: tenant.azure.tenantId,
          location: tenant.azure.location,
        },
        { transformations },
      ),
  },
];

/** Every provider the tenant needs, by cloud. */
export function tenantProviders(
  tenant: Tenant,
  scope: TenantScope,
  settings: StackSettings,
  transformations: pulumi.ResourceOptions["transformations"],
): Providers {
  const others: Record<string, pulumi.ProviderResource> = {};
  for (const cloud of OTHER_PROVIDERS) {
    const provider = cloud.create(tenant, scope, settings, transformations);
    if (provider) others[cloud.cloud] = provider;
  }
  return { ...others, aws: awsProvider.create(tenant, scope, settings, transformations) };
}

/**
 * One Kubernetes provider per cluster the tenant declares (spec.kubernetes.clusters), through the
 * kubeconfig context of that cluster; named `<tenant>/kubernetes/<cluster>` (the plan reads the
 * tenant from the name's first part).
 */
export function kubernetesProviders(
  tenant: Tenant,
  transformations: pulumi.ResourceOptions["transformations"],
): Map<string, KubernetesProvider> {
  return new Map(
    tenant.kubernetes.map((cluster) => [
      cluster.name,
      new KubernetesProvider(
        `${tenant.name}/kubernetes/${cluster.name}`,
        { context: cluster.context },
        { transformations },
      ),
    ]),
  );
}
