import type { Diagnostic } from "../diagnostics.js";
import type { TenantDocument } from "../documents.js";
import { DNS_LABEL } from "../kubernetes.js";
import { place, report, type PolicyRule } from "./rule.js";

/** Namespaces Kubernetes itself owns: a tenant's secrets there would be readable by cluster add-ons. */
const SYSTEM_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * A tenant's namespace is its isolation boundary on a cluster: it must be a valid namespace name,
 * and no other tenant may use it (on the same cluster, or as that tenant's own default namespace).
 */
export const kubernetesNamespace: PolicyRule = {
  id: "kubernetes-namespace",
  severity: "error",
  description:
    "A tenant's Kubernetes namespace must be a DNS-1123 label, not a system namespace, not another tenant's name, and not shared with another tenant on the same cluster.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    const tenantNames = new Set(policies.tenantByName.keys());
    // The first tenant to claim a namespace of a physical cluster (by its OIDC issuer).
    const claimed = new Map<string, { tenant: TenantDocument; index: number }>();
    for (const tenant of policies.tenants) {
      for (const [index, cluster] of (tenant.spec.kubernetes?.clusters ?? []).entries()) {
        const given = cluster.namespace !== undefined;
        const namespace = cluster.namespace ?? tenant.name;
        const at = given
          ? ["spec", "kubernetes", "clusters", index, "namespace"]
          : ["spec", "kubernetes", "clusters", index, "name"];
        if (!DNS_LABEL.test(namespace)) {
          diagnostics.push(
            report(
              this,
              tenant,
              at,
              `namespace "${namespace}" of tenant "${tenant.name}" on cluster "${cluster.name}" is not a DNS-1123 label; ` +
                `use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
            ),
          );
          continue;
        }
        if (SYSTEM_NAMESPACES.has(namespace)) {
          diagnostics.push(
            report(
              this,
              tenant,
              at,
              `namespace "${namespace}" of tenant "${tenant.name}" belongs to Kubernetes itself; use a namespace of the tenant's own, such as "${tenant.name}"`,
            ),
          );
          continue;
        }
        if (namespace !== tenant.name && tenantNames.has(namespace)) {
          const other = policies.tenantByName.get(namespace)!;
          diagnostics.push(
            report(
              this,
              tenant,
              at,
              `namespace "${namespace}" of tenant "${tenant.name}" is the name of tenant "${namespace}" ` +
                `(${place(other, ["metadata", "name"])}), its default namespace; use a namespace of the tenant's own, such as "${tenant.name}"`,
            ),
          );
          continue;
        }
        const key = `${cluster.eks.oidcIssuer} ${namespace}`;
        const first = claimed.get(key);
        if (first && first.tenant.name !== tenant.name) {
          diagnostics.push(
            report(
              this,
              tenant,
              at,
              `tenants "${first.tenant.name}" and "${tenant.name}" share namespace "${namespace}" on EKS cluster "${cluster.eks.cluster}" ` +
                `(${place(first.tenant, ["spec", "kubernetes", "clusters", first.index, "name"])}), so each could read the other's secrets; ` +
                `use a namespace per tenant`,
            ),
          );
        } else if (!first) claimed.set(key, { tenant, index });
      }
    }
    return diagnostics;
  },
};
