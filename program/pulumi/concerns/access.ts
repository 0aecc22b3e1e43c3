import { TenantAccessRole } from "../../../components/aws/tenant-access-role.js";
import { workloadClusters } from "../../kubernetes.js";
import { defineConcern } from "./concern.js";

/** A role per Service that reads exactly the secrets naming it as a consumer. */
export const access = defineConcern({
  name: "access",
  settings: () => ({}),
  components: ({ tenant, scope, key, options }) =>
    // A vault tenant's services read OpenBao under its own ACL policies, not these IAM roles.
    (tenant.store.type === "vault" ? [] : tenant.services).map(
      (service) =>
        new TenantAccessRole(
          `${tenant.name}/${service.name}`,
          {
            scope,
            service: service.name,
            runtime: service.runtime,
            secretNames: service.consumes.map((s) => s.name),
            kmsKeyArn: key.keyArn,
            irsa: workloadClusters(service, tenant.kubernetes).map((cluster) => ({
              oidcIssuer: cluster.eks.oidcIssuer,
              namespace: cluster.namespace,
              serviceAccount: service.serviceAccount ?? service.name,
            })),
          },
          options,
        ),
    ),
});
