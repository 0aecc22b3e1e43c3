import { DriftReaderRole } from "../../../components/aws/drift-reader-role.js";
import { defineConcern } from "./concern.js";

/** The read-only role drift assumes in the tenant's account, when the stack names the CI's role. */
export const driftReader = defineConcern({
  name: "drift-reader",
  settings: ({ settings }) => ({
    ciRoleArn: settings.driftCiRoleArn,
    installation: settings.installation,
  }),
  components: ({ tenant, scope, options }, { ciRoleArn, installation }) =>
    ciRoleArn === undefined
      ? []
      : [
          new DriftReaderRole(
            `${tenant.name}-drift-reader`,
            { scope, ciRoleArn, installation },
            options,
          ),
        ],
});
