/** The label every Kubernetes object of VaultPilot carries, naming the tenant it belongs to. */
export const TENANT_LABEL = "vaultpilot.dev/tenant";

/** Labels of an object of `tenant` (app.kubernetes.io/managed-by: Kubernetes' recommended labels). */
export const tenantLabels = (tenant: string) => ({
  [TENANT_LABEL]: tenant,
  "app.kubernetes.io/managed-by": "vaultpilot",
});

/** The IRSA annotation EKS's pod identity webhook reads to give a pod the role's credentials. */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
