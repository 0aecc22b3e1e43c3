import type { Check } from "./check.js";
import { policyLine } from "./check.js";
import { planIndex, text, TYPE } from "./plan-index.js";

/** Static: each planned secret names its own tenant's key (the alias's target), not aws/secretsmanager. */
export const secretEncryptedWithTenantKey: Check = {
  id: "secret-encrypted-with-tenant-key",
  kind: "static",
  description: "Every secret is encrypted with its own tenant's customer-managed KMS key.",
  evaluate(context) {
    const plan = planIndex(context.plan);
    return context.tenants.flatMap((tenant) => {
      const keyId = text(plan.ofTenant(tenant.name, TYPE.alias)[0]?.inputs.targetKeyId);
      return tenant.secrets.map((secret) => {
        const kmsKeyId = text(
          plan.ofSecret(tenant.name, secret.name, TYPE.secret)?.inputs.kmsKeyId,
        );
        const own =
          keyId !== undefined &&
          kmsKeyId !== undefined &&
          (kmsKeyId === keyId || kmsKeyId.endsWith(`:key/${keyId}`));
        return {
          tenant: tenant.name,
          resource: `${tenant.name}/${secret.name}`,
          status: own ? "pass" : "fail",
          observed: kmsKeyId
            ? `kmsKeyId ${kmsKeyId}${own ? " (the tenant's key)" : keyId ? ` (the tenant's key is ${keyId})` : " (the tenant has no key)"}`
            : "no kmsKeyId: the AWS managed key aws/secretsmanager",
          observedAt: context.at,
          source: policyLine(context.root, secret.source, ["metadata", "name"]),
        } as const;
      });
    });
  },
};
