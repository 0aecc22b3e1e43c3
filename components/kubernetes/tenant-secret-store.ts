import type * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource.js";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount.js";
import { VaultpilotComponent } from "../aws/component.js";
import { ROLE_ARN_ANNOTATION, tenantLabels } from "./labels.js";

/** The SecretStore every ExternalSecret of the tenant's namespace names. */
export const SECRET_STORE_NAME = "vaultpilot";
/** The ServiceAccount the SecretStore authenticates as. */
export const SECRET_STORE_SERVICE_ACCOUNT = "vaultpilot-secret-store";

export interface TenantSecretStoreArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  /** The tenant's AWS region, where its secrets are. */
  readonly region: string;
  /**
   * The store's IAM role: it reads exactly the secrets delivered into this namespace through
   * External Secrets, and trusts only the store's ServiceAccount of this cluster.
   */
  readonly roleArn: string;
}

/**
 * External Secrets Operator's namespaced SecretStore for the tenant (apiVersion
 * external-secrets.io/v1): AWS Secrets Manager in the tenant's region, authenticated through
 * its own ServiceAccount's IRSA token (`auth.jwt.serviceAccountRef`), so the operator holds no
 * AWS credentials and a store of one tenant cannot read another tenant's secrets.
 */
export class TenantSecretStore extends VaultpilotComponent {
  readonly storeName: pulumi.Output<string>;

  constructor(name: string, args: TenantSecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:kubernetes:TenantSecretStore", name, { tenant: args.tenant }, opts);
    const account = new ServiceAccount(
      `${name}-store-service-account`,
      {
        metadata: {
          name: SECRET_STORE_SERVICE_ACCOUNT,
          namespace: args.namespace,
          labels: tenantLabels(args.tenant),
          annotations: { [ROLE_ARN_ANNOTATION]: args.roleArn },
        },
      },
      { parent: this },
    );
    const store = new CustomResource(
      `${name}-secret-store`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: {
          name: SECRET_STORE_NAME,
          namespace: args.namespace,
          labels: tenantLabels(args.tenant),
        },
        spec: {
          provider: {
            aws: {
              service: "SecretsManager",
              region: args.region,
              auth: { jwt: { serviceAccountRef: { name: account.metadata.name } } },
            },
          },
        },
      },
      { parent: this },
    );
    this.storeName = store.metadata.name;
    this.registerOutputs({ storeName: this.storeName });
  }
}
