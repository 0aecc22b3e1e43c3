import type * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount.js";
import { VaultpilotComponent } from "../aws/component.js";
import { ROLE_ARN_ANNOTATION, tenantLabels } from "./labels.js";

export interface WorkloadServiceAccountArgs {
  readonly tenant: string;
  /** The Service in the policies. */
  readonly service: string;
  readonly namespace: pulumi.Input<string>;
  /** The ServiceAccount's name (spec.kubernetes.serviceAccount, else the service's name). */
  readonly serviceAccount: string;
  /** The service's IAM role (TenantAccessRole), which trusts exactly this ServiceAccount of the cluster. */
  readonly roleArn: string;
}

/**
 * The ServiceAccount one Kubernetes service runs as, annotated with its IAM role (IRSA): its pods
 * get that role's credentials, which read only the secrets the service consumes (the CSI driver's
 * AWS provider fetches with them).
 */
export class WorkloadServiceAccount extends VaultpilotComponent {
  readonly serviceAccount: pulumi.Output<string>;

  constructor(
    name: string,
    args: WorkloadServiceAccountArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(
      "vaultpilot:kubernetes:WorkloadServiceAccount",
      name,
      { tenant: args.tenant, service: args.service },
      opts,
    );
    const account = new ServiceAccount(
      `${name}-service-account`,
      {
        metadata: {
          name: args.serviceAccount,
          namespace: args.namespace,
          labels: { ...tenantLabels(args.tenant), "vaultpilot.dev/service": args.service },
          annotations: { [ROLE_ARN_ANNOTATION]: args.roleArn },
        },
      },
      { parent: this },
    );
    this.serviceAccount = account.metadata.name;
    this.registerOutputs({ serviceAccount: this.serviceAccount });
  }
}
