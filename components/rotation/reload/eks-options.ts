/**
 * The Lambda's way to a cluster: EKS by name. DescribeCluster gives the API endpoint and its CA;
 * requests are plain HTTPS (no Kubernetes client: it is three times the bundle's budget) with the
 * bearer token aws-iam-authenticator and `aws eks get-token` make from the function's own role.
 * The role needs eks:DescribeCluster and an EKS access entry that may patch the deployment.
 */
export interface EksOptions {
  /**
   * Send the Kubernetes API requests here instead of the cluster's endpoint (a proxy in the VPC, a
   * test's server), trusting `ca` or else Node's default CAs (and NODE_EXTRA_CA_CERTS), not the
   * cluster's. The Lambda reads it from VAULTPILOT_EKS_ENDPOINT_URL.
   * @default - the endpoint and CA that DescribeCluster gives
   */
  readonly endpointUrl?: string;
  /** PEM of the CA that signs `endpointUrl`'s certificate. @default - Node's default CAs */
  readonly ca?: string;
}

/** The variable the Lambda reads `EksOptions.endpointUrl` from. */
export const EKS_ENDPOINT_VARIABLE = "VAULTPILOT_EKS_ENDPOINT_URL";

export function eksOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): EksOptions {
  const endpointUrl = env[EKS_ENDPOINT_VARIABLE];
  return endpointUrl ? { endpointUrl } : {};
}
