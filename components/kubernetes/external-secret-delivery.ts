import type * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource.js";
import { VaultpilotComponent } from "../aws/component.js";
import { tenantLabels } from "./labels.js";

export interface ExternalSecretDeliveryArgs {
  readonly tenant: string;
  /** The secret's name in the policies. */
  readonly secret: string;
  readonly namespace: pulumi.Input<string>;
  /** The tenant's SecretStore in that namespace. */
  readonly storeName: pulumi.Input<string>;
  /** The Secrets Manager secret's name (`vaultpilot/<tenant>/<secret>`): a name, never a value. */
  readonly remoteKey: string;
  /** The Kubernetes Secret to write. */
  readonly secretName: string;
  /** Kubernetes key → JSON field of the value; empty: every field under its own name (dataFrom extract). */
  readonly keys: Readonly<Record<string, string>>;
  /** How often the operator reads Secrets Manager again (Go duration, such as "15m"). */
  readonly refreshInterval: string;
}

/**
 * An ExternalSecret (external-secrets.io/v1) that copies one secret into a Kubernetes Secret of
 * the tenant's namespace, refreshed every `refreshInterval`. The target's creationPolicy is
 * Owner: the operator creates the Secret and owns it, so deleting the delivery deletes the copy.
 * The manifest names the secret; the value exists only in the cluster's Secret.
 */
export class ExternalSecretDelivery extends VaultpilotComponent {
  constructor(
    name: string,
    args: ExternalSecretDeliveryArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(
      "vaultpilot:kubernetes:ExternalSecretDelivery",
      name,
      { tenant: args.tenant, secret: args.secret },
      opts,
    );
    const keys = Object.entries(args.keys);
    new CustomResource(
      `${name}-external-secret`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: {
          name: args.secretName,
          namespace: args.namespace,
          labels: { ...tenantLabels(args.tenant), "vaultpilot.dev/secret": args.secret },
        },
        spec: {
          refreshInterval: args.refreshInterval,
          secretStoreRef: { name: args.storeName, kind: "SecretStore" },
          target: { name: args.secretName, creationPolicy: "Owner" },
          ...(keys.length > 0
            ? {
                data: keys.map(([secretKey, property]) => ({
                  secretKey,
                  remoteRef: { key: args.remoteKey, property },
                })),
              }
            : { dataFrom: [{ extract: { key: args.remoteKey } }] }),
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
