import { TenantAccessRole } from "../../../components/aws/tenant-access-role.js";
import { defineConcern } from "./concern.js";

/** A role per Service that reads exactly the secrets naming it as a consumer. */
export const access = defineConcern({
  name: "access",
  settings: () => ({}),
  components: ({ tenant, scope, key, options }) =>
    tenant.services.map(
      (service) =>
        new TenantAccessRole(
          `${tenant.name}/${service.name}`,
          {
            scope,
            service: service.name,
            runtime: service.runtime,
            secretNames: service.consumes.map((s) => s.name),
            kmsKeyArn: key.keyArn,
          },
          options,
        ),
    ),
});
