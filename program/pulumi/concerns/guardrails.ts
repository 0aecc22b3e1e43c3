import { Guardrails } from "../../../components/aws/guardrails.js";
import { roleArn } from "../../../cloud/aws/naming.js";
import { defineConcern } from "./concern.js";

/**
 * The tenant's guardrails: a service control policy on its account when the stack manages the
 * AWS Organization (`vaultpilot:organizationRoleArn`), else the IAM fallback on every role the
 * program made for the tenant. Runs last, so the fallback sees the roles of every other concern.
 */
export const guardrails = defineConcern({
  name: "guardrails",
  last: true,
  settings: ({ settings }) => ({
    organizationRoleArn: settings.organizationRoleArn,
    deployRoleName: settings.deployRoleName,
  }),
  components: ({ tenant, scope, options, roles }, { organizationRoleArn, deployRoleName }) => [
    new Guardrails(
      `${tenant.name}-guardrails`,
      {
        scope,
        deployRoleArn: roleArn(scope, deployRoleName),
        enforcement:
          organizationRoleArn === undefined
            ? { kind: "iam-fallback", roles: [...roles] }
            : { kind: "organization", organizationRoleArn },
      },
      options,
    ),
  ],
});
