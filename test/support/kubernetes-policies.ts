import { doc } from "./validate-text.js";

/** An EKS cluster entry of a tenant's spec.kubernetes.clusters, as YAML lines under `clusters:`. */
export function clusterYaml(
  name: string,
  options: { namespace?: string; eksCluster?: string; issuerId?: string } = {},
): string {
  return (
    `      - name: ${name}\n` +
    (options.namespace !== undefined ? `        namespace: "${options.namespace}"\n` : "") +
    `        eks:\n` +
    `          cluster: ${options.eksCluster ?? name}\n` +
    `          oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/${options.issuerId ?? "EXAMPLED539D4633E53DE1B71EXAMPLE"}\n`
  );
}

/** A tenant (doc.tenant) with spec.kubernetes.clusters made of `clusters` (clusterYaml lines). */
export function kubernetesTenant(name: string, ...clusters: string[]): string {
  return `${doc.tenant(name)}  kubernetes:\n    clusters:\n${clusters.join("")}`;
}

/** A secret delivered to Kubernetes: `delivery` are YAML lines of one list item each, indented 6. */
export function deliveredSecret(
  name: string,
  tenant: string,
  options: {
    type?: string;
    schedule?: string;
    consumers?: readonly string[];
    connection?: string;
    delivery: readonly string[];
  },
): string {
  return (
    `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: ${name}\n  tenant: ${tenant}\nspec:\n` +
    `  type: ${options.type ?? "generic"}\n  schedule: ${options.schedule ?? "monthly"}\n` +
    (options.consumers?.length ? `  consumers: [${options.consumers.join(", ")}]\n` : "") +
    (options.connection ?? "") +
    `  delivery:\n    kubernetes:\n` +
    options.delivery.map((d) => `      - ${d}\n`).join("")
  );
}
