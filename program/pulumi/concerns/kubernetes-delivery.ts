import { accessRoleName, roleArn, secretName } from "../../../cloud/aws/naming.js";
import type { VaultpilotComponent } from "../../../components/aws/component.js";
import { TenantAccessRole } from "../../../components/aws/tenant-access-role.js";
import { CsiSecretDelivery } from "../../../components/kubernetes/csi-secret-delivery.js";
import { ExternalSecretDelivery } from "../../../components/kubernetes/external-secret-delivery.js";
import {
  SECRET_STORE_NAME,
  SECRET_STORE_SERVICE_ACCOUNT,
  TenantSecretStore,
} from "../../../components/kubernetes/tenant-secret-store.js";
import { TenantNamespace } from "../../../components/kubernetes/tenant-namespace.js";
import { WorkloadServiceAccount } from "../../../components/kubernetes/workload-service-account.js";
import { externalSecretsOn, secretStoreIdentity, workloadClusters } from "../../kubernetes.js";
import { kubernetesProviders } from "../providers.js";
import { defineConcern } from "./concern.js";

/**
 * Delivery of the tenant's secrets to its Kubernetes clusters: per declared cluster, the tenant's
 * namespace; a ServiceAccount per Kubernetes service consuming a secret delivered there (its
 * IRSA role is the access concern's); where External Secrets delivers, a SecretStore with its
 * own IRSA role reading exactly those secrets, and an ExternalSecret per delivery; where the CSI
 * driver delivers, a SecretProviderClass.
 */
export const kubernetesDelivery = defineConcern({
  name: "kubernetes-delivery",
  settings: () => ({}),
  components: ({ tenant, scope, key, options }) => {
    if (tenant.kubernetes.length === 0) return [];
    const providers = kubernetesProviders(tenant, options.transformations);
    const made: VaultpilotComponent[] = [];
    for (const cluster of tenant.kubernetes) {
      const base = `${tenant.name}/${cluster.name}`;
      const onCluster = {
        ...options,
        providers: { ...options.providers, kubernetes: providers.get(cluster.name)! },
      };
      const namespace = new TenantNamespace(
        base,
        { tenant: tenant.name, namespace: cluster.namespace },
        onCluster,
      );
      made.push(namespace);
      const inNamespace = { ...onCluster, dependsOn: [namespace] };
      for (const service of tenant.services) {
        if (!workloadClusters(service, tenant.kubernetes).some((c) => c.name === cluster.name))
          continue;
        made.push(
          new WorkloadServiceAccount(
            `${base}/${service.name}`,
            {
              tenant: tenant.name,
              service: service.name,
              namespace: namespace.namespace,
              serviceAccount: service.serviceAccount ?? service.name,
              roleArn: roleArn(scope, accessRoleName(tenant.name, service.name)),
            },
            inNamespace,
          ),
        );
      }
      const external = externalSecretsOn(tenant.secrets, cluster.name);
      if (external.length > 0) {
        const identity = secretStoreIdentity(cluster.name);
        made.push(
          new TenantAccessRole(
            `${base}/secret-store`,
            {
              scope,
              service: identity,
              runtime: "kubernetes",
              secretNames: external.map((s) => s.name),
              kmsKeyArn: key.keyArn,
              irsa: [
                {
                  oidcIssuer: cluster.eks.oidcIssuer,
                  namespace: cluster.namespace,
                  serviceAccount: SECRET_STORE_SERVICE_ACCOUNT,
                },
              ],
              identity: "delivery",
            },
            options,
          ),
        );
        const store = new TenantSecretStore(
          base,
          {
            tenant: tenant.name,
            namespace: namespace.namespace,
            region: scope.region,
            roleArn: roleArn(scope, accessRoleName(tenant.name, identity)),
          },
          inNamespace,
        );
        made.push(store);
      }
      for (const secret of tenant.secrets) {
        for (const delivery of secret.kubernetesDelivery) {
          if (delivery.cluster.name !== cluster.name) continue;
          const remoteKey = secretName(tenant.name, secret.name);
          if (delivery.via === "external-secrets") {
            made.push(
              new ExternalSecretDelivery(
                `${base}/${secret.name}`,
                {
                  tenant: tenant.name,
                  secret: secret.name,
                  namespace: namespace.namespace,
                  storeName: SECRET_STORE_NAME,
                  remoteKey,
                  secretName: delivery.secretName ?? secret.name,
                  keys: delivery.keys,
                  refreshInterval: delivery.refreshInterval,
                },
                inNamespace,
              ),
            );
          } else {
            made.push(
              new CsiSecretDelivery(
                `${base}/${secret.name}`,
                {
                  tenant: tenant.name,
                  secret: secret.name,
                  namespace: namespace.namespace,
                  region: scope.region,
                  remoteKey,
                  keys: delivery.keys,
                  ...(delivery.secretName !== undefined && { secretName: delivery.secretName }),
                },
                inNamespace,
              ),
            );
          }
        }
      }
    }
    return made;
  },
});
