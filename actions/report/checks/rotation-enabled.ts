import { secretName } from "../../../cloud/aws/naming.js";
import type { Check } from "./check.js";
import { policyLine } from "./check.js";
import { planIndex, text, TYPE } from "./plan-index.js";

/**
 * Static: the plan gives every secret a SecretRotation (automatic rotation by its tenant's
 * function for the type). Rotations hang under the rotation function, so they are matched by
 * the secret ARN they name.
 */
export const rotationEnabled: Check = {
  id: "rotation-enabled",
  kind: "static",
  description: "The plan gives every secret automatic rotation by its rotation function.",
  evaluate(context) {
    const plan = planIndex(context.plan);
    return context.tenants.flatMap((tenant) => {
      const rotations = plan.ofTenant(tenant.name, TYPE.rotation);
      return tenant.secrets.map((secret) => {
        const name = secretName(tenant.name, secret.name);
        const rotation = rotations.find((r) => namesSecret(text(r.inputs.secretId), name));
        const rules = rotation?.inputs.rotationRules as
          { automaticallyAfterDays?: number; scheduleExpression?: string } | undefined;
        const lambda = text(rotation?.inputs.rotationLambdaArn)?.split(":").at(-1);
        const every =
          rules?.automaticallyAfterDays !== undefined
            ? `every ${rules.automaticallyAfterDays} days`
            : (rules?.scheduleExpression ?? "with no schedule");
        return {
          tenant: tenant.name,
          resource: `${tenant.name}/${secret.name}`,
          status: rotation && lambda ? "pass" : "fail",
          observed: rotation
            ? `SecretRotation by ${lambda ?? "no function"} ${every}`
            : "no SecretRotation in the plan",
          observedAt: context.at,
          source: policyLine(context.root, secret.source, ["spec", "schedule"]),
        } as const;
      });
    });
  },
};

/**
 * Whether a secret id (an ARN) names the secret: AWS's form `…:secret:<name>-<6 characters>`, or
 * the offline plan's stand-in `…:secret/<name>` (actions/plan/run-program.ts's mock state).
 */
function namesSecret(secretId: string | undefined, name: string): boolean {
  return (
    !!secretId && (secretId.includes(`:secret:${name}-`) || secretId.endsWith(`:secret/${name}`))
  );
}
