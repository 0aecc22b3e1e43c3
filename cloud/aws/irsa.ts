// IAM roles for Kubernetes service accounts (IRSA): the names both the program and its tests use.

/** `system:serviceaccount:<namespace>:<name>`: the `sub` claim of a ServiceAccount's token. */
export const serviceAccountSubject = (namespace: string, serviceAccount: string) =>
  `system:serviceaccount:${namespace}:${serviceAccount}`;

/** The IAM OIDC provider of an EKS issuer URL: its ARN in `account`, and the condition-key prefix. */
export function oidcProvider(
  issuer: string,
  account: string,
): { readonly arn: string; readonly host: string } {
  const host = issuer.replace(/^https:\/\//, "");
  const partition = host.endsWith(".amazonaws.com.cn") ? "aws-cn" : "aws";
  return { arn: `arn:${partition}:iam::${account}:oidc-provider/${host}`, host };
}
