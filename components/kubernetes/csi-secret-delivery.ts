import type * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource.js";
import { stringify } from "yaml";
import { VaultpilotComponent } from "../aws/component.js";
import { tenantLabels } from "./labels.js";

export interface CsiSecretDeliveryArgs {
  readonly tenant: string;
  /** The secret's name in the policies; the SecretProviderClass is named after it. */
  readonly secret: string;
  readonly namespace: pulumi.Input<string>;
  /** The tenant's AWS region. */
  readonly region: string;
  /** The Secrets Manager secret's name (`vaultpilot/<tenant>/<secret>`). */
  readonly remoteKey: string;
  /**
   * File name (and Kubernetes Secret key) → JSON field, each mounted through a JMESPath; empty:
   * the whole value as one file named after the secret.
   */
  readonly keys: Readonly<Record<string, string>>;
  /** Also sync a Kubernetes Secret of this name from the mounted files. @default - none */
  readonly secretName?: string;
}

/** The AWS provider's `objects` parameter: YAML text, as its README documents it. */
export function csiObjects(args: Pick<CsiSecretDeliveryArgs, "remoteKey" | "keys" | "secret">) {
  const keys = Object.entries(args.keys);
  return stringify([
    {
      objectName: args.remoteKey,
      objectType: "secretsmanager",
      ...(keys.length > 0
        ? { jmesPath: keys.map(([objectAlias, path]) => ({ path, objectAlias })) }
        : { objectAlias: args.secret }),
    },
  ]);
}

/**
 * A SecretProviderClass (secrets-store.csi.x-k8s.io/v1) for the Secrets Store CSI driver's AWS
 * provider: pods that mount it read the secret as files, fetched with the pod's own
 * ServiceAccount role (IRSA). A pod uses it with a volume
 * `csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: <name>}}`
 * and `serviceAccountName` set to its WorkloadServiceAccount; the files refresh only when the
 * driver runs with `--enable-secret-rotation` (every `--rotation-poll-interval`, default 2m), and
 * `secretObjects` sync a Kubernetes Secret only while some pod mounts the volume.
 */
export class CsiSecretDelivery extends VaultpilotComponent {
  constructor(name: string, args: CsiSecretDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "vaultpilot:kubernetes:CsiSecretDelivery",
      name,
      { tenant: args.tenant, secret: args.secret },
      opts,
    );
    const keys = Object.keys(args.keys);
    new CustomResource(
      `${name}-secret-provider-class`,
      {
        apiVersion: "secrets-store.csi.x-k8s.io/v1",
        kind: "SecretProviderClass",
        metadata: {
          name: args.secret,
          namespace: args.namespace,
          labels: { ...tenantLabels(args.tenant), "vaultpilot.dev/secret": args.secret },
        },
        spec: {
          provider: "aws",
          parameters: { region: args.region, objects: csiObjects(args) },
          ...(args.secretName !== undefined && {
            secretObjects: [
              {
                secretName: args.secretName,
                type: "Opaque",
                data: (keys.length > 0 ? keys : [args.secret]).map((key) => ({
                  objectName: key,
                  key,
                })),
              },
            ],
          }),
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
