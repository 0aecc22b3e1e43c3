import type * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace.js";
import { VaultpilotComponent } from "../aws/component.js";
import { tenantLabels } from "./labels.js";

export interface TenantNamespaceArgs {
  readonly tenant: string;
  /** The namespace's name on the cluster (a DNS-1123 label; the kubernetes-namespace rule checks it). */
  readonly namespace: string;
}

/**
 * The tenant's namespace on one cluster, labelled with the tenant: its isolation boundary there
 * (a SecretStore is namespaced, so only this namespace's ExternalSecrets can use it).
 */
export class TenantNamespace extends VaultpilotComponent {
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:kubernetes:TenantNamespace", name, { tenant: args.tenant }, opts);
    const namespace = new Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: tenantLabels(args.tenant) } },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
