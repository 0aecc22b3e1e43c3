/** IAM / KMS / resource policy documents as data, so they can be checked before anything is deployed. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: {
    readonly AWS?: string | readonly string[];
    readonly Service?: string | readonly string[];
    /** A web identity provider (an IAM OIDC provider's ARN), for sts:AssumeRoleWithWebIdentity. */
    readonly Federated?: string | readonly string[];
  };
  readonly Action: readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >;
}

/** Actions that must be listed one by one: a `*` in an action would grant what nobody reviewed. */
export function wildcardActions(document: PolicyDocument): string[] {
  return document.Statement.flatMap((s) =>
    s.Action.filter((a) => a.includes("*") || a.includes("?")),
  );
}

export const policyJson = (document: PolicyDocument) => JSON.stringify(document);
