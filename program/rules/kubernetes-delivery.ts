import { closest } from "../did-you-mean.js";
import type { Diagnostic } from "../diagnostics.js";
import { place, report, type PolicyRule } from "./rule.js";

/**
 * A secret is delivered only into a cluster its own tenant declares (so only into that tenant's
 * namespace), and two deliveries never write the same Kubernetes Secret.
 */
export const kubernetesDelivery: PolicyRule = {
  id: "kubernetes-delivery",
  severity: "error",
  description:
    "A Secret's spec.delivery.kubernetes must name a cluster of its own tenant's spec.kubernetes.clusters, and two deliveries may not write the same Kubernetes Secret.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    const written = new Map<string, { secret: (typeof policies.secrets)[number]; index: number }>();
    for (const secret of policies.secrets) {
      const tenant = policies.tenantByName.get(secret.tenant);
      if (!tenant) continue;
      const clusters = tenant.spec.kubernetes?.clusters ?? [];
      for (const [index, delivery] of (secret.spec.delivery?.kubernetes ?? []).entries()) {
        const path = ["spec", "delivery", "kubernetes", index, "cluster"];
        const cluster = clusters.find((c) => c.name === delivery.cluster);
        if (!cluster) {
          const owner = policies.tenants.find(
            (t) =>
              t.name !== tenant.name &&
              (t.spec.kubernetes?.clusters ?? []).some((c) => c.name === delivery.cluster),
          );
          const suggestion = closest(
            delivery.cluster,
            clusters.map((c) => c.name),
          );
          diagnostics.push(
            report(
              this,
              secret,
              path,
              owner
                ? `secret "${secret.name}" of tenant "${tenant.name}" is delivered to cluster "${delivery.cluster}", ` +
                    `which tenant "${owner.name}" declares (${place(owner, ["metadata", "name"])}): that is tenant "${owner.name}"'s namespace; ` +
                    `a secret may be delivered only into its own tenant's namespace: add the cluster to tenant "${tenant.name}"'s spec.kubernetes.clusters`
                : `secret "${secret.name}" is delivered to cluster "${delivery.cluster}", which tenant "${tenant.name}" does not declare; ` +
                    (suggestion
                      ? `did you mean "${suggestion}"?`
                      : `add it to spec.kubernetes.clusters (${place(tenant, ["spec"])})`),
            ),
          );
          continue;
        }
        const via = delivery.via ?? "external-secrets";
        const secretName =
          delivery.secretName ?? (via === "external-secrets" ? secret.name : undefined);
        if (secretName === undefined) continue;
        const key = `${tenant.name} ${cluster.name} ${secretName}`;
        const first = written.get(key);
        if (first) {
          diagnostics.push(
            report(
              this,
              secret,
              delivery.secretName !== undefined
                ? ["spec", "delivery", "kubernetes", index, "secretName"]
                : path,
              `secret "${secret.name}" and secret "${first.secret.name}" ` +
                `(${place(first.secret, ["spec", "delivery", "kubernetes", first.index])}) both write Kubernetes Secret "${secretName}" on cluster "${cluster.name}"; ` +
                `use a different secretName`,
            ),
          );
        } else written.set(key, { secret, index });
      }
    }
    return diagnostics;
  },
};
