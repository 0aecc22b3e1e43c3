import { report, type PolicyRule } from "./rule.js";

/** PCI DSS v4.0 requirement 8.3.6: passwords of at least 12 characters. */
const PCI_DSS_MIN_LENGTH = 12;

export const passwordPolicy: PolicyRule = {
  id: "password-policy",
  severity: "error",
  description:
    "spec.password does not apply to aws-iam-key secrets (AWS generates the keys); under pci-dss a password has at least 12 characters.",
  check(policies) {
    const diagnostics = [];
    for (const secret of policies.secrets) {
      const password = secret.spec.password;
      if (!password) continue;
      if (secret.spec.type === "aws-iam-key") {
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "password"],
            `secret "${secret.name}" is an aws-iam-key, whose keys AWS generates; remove spec.password`,
            "key",
          ),
        );
        continue;
      }
      const tenant = policies.tenantByName.get(secret.tenant);
      if (
        password.length !== undefined &&
        password.length < PCI_DSS_MIN_LENGTH &&
        tenant?.spec.compliance?.includes("pci-dss")
      ) {
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "password", "length"],
            `password length ${password.length} is too short; tenant "${secret.tenant}" is under pci-dss, ` +
              `which requires at least ${PCI_DSS_MIN_LENGTH} characters`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
