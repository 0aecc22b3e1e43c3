import { report, type PolicyRule } from "./rule.js";

/**
 * The rotation Lambda reaches a Kubernetes consumer only through the EKS cluster it names;
 * without one, every scheduled rotation of its secrets fails at reload and rolls back.
 */
export const kubernetesCluster: PolicyRule = {
  id: "kubernetes-cluster",
  severity: "warning",
  description:
    "A Service's spec.reload.kubernetes should name its EKS cluster, or the rotation Lambda cannot reload it.",
  check(policies) {
    return policies.services
      .filter((service) => {
        const kubernetes = service.spec.reload?.kubernetes;
        return kubernetes !== undefined && !kubernetes.cluster;
      })
      .map((service) =>
        report(
          this,
          service,
          ["spec", "reload", "kubernetes"],
          `service "${service.name}" names no EKS cluster, so the rotation Lambda cannot restart it and ` +
            `scheduled rotations of its secrets will roll back; add spec.reload.kubernetes.cluster ` +
            `(only \`vaultpilot rotate\`, with your kubeconfig, can reload it now)`,
          "key",
        ),
      );
  },
};
