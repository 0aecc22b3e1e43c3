import type { PolicyDocument, PolicyStatement } from "./policy-document.js";

/**
 * The guardrails: what nobody but the deploy role may do in a tenant's account, because each
 * destroys evidence or makes the tenant's secrets unreadable for good. Pure data, shared by the
 * Guardrails component (which writes them as a service control policy or, without organization
 * access, as an IAM policy on every role the program makes) and the tests.
 *
 * Actions from the Service Authorization Reference (KMS, Secrets Manager, CloudWatch Logs,
 * CloudTrail); `secretsmanager:ForceDeleteWithoutRecovery` is the condition key Secrets Manager
 * documents for DeleteSecret without a recovery window.
 */
export const GUARDRAIL_DENIES = {
  /** Scheduling deletion, disabling the key or its rotation, replacing its policy. */
  keys: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy"],
  /** Turning a secret's rotation off. */
  rotation: ["secretsmanager:CancelRotateSecret"],
  /** Deleting a secret at once, without the 7..30-day recovery window. */
  immediateSecretDeletion: ["secretsmanager:DeleteSecret"],
  /** Deleting log groups (rotation logs, WAF logs: evidence). */
  logs: ["logs:DeleteLogGroup"],
  /** Stopping or deleting a trail (the account's audit record). */
  trails: ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
} as const;

/** Every action the guardrails deny (some only under a condition), for tests and the plan. */
export const GUARDRAIL_ACTIONS: readonly string[] = Object.values(GUARDRAIL_DENIES).flat();

/**
 * The deny statements. `except`, when given, is the deploy role's ARN: a service control policy
 * applies to every principal of the account, so it exempts the role that deploys the stack (by
 * `aws:PrincipalArn`, which SCPs support); an IAM policy attached to the program's roles needs no
 * exception (the deploy role is not one of them).
 */
export function guardrailStatements(except?: string): PolicyStatement[] {
  const unless: Record<string, Record<string, string>> = except === undefined
    ? {}
    : { ArnNotLike: { "aws:PrincipalArn": except } };
  const statement = (
    Sid: string,
    Action: readonly string[],
    condition: Record<string, Record<string, string>> = {},
  ): PolicyStatement => {
    const Condition: Record<string, Record<string, string>> = { ...condition, ...unless };
    return {
      Sid,
      Effect: "Deny",
      Action: [...Action],
      Resource: "*",
      ...(Object.keys(Condition).length > 0 && { Condition }),
    };
  };
  return [
    statement("ProtectTenantKeys", GUARDRAIL_DENIES.keys),
    statement("KeepSecretRotationOn", GUARDRAIL_DENIES.rotation),
    statement("KeepSecretRecoveryWindow", GUARDRAIL_DENIES.immediateSecretDeletion, {
      Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" },
    }),
    statement("KeepLogGroups", GUARDRAIL_DENIES.logs),
    statement("KeepTrails", GUARDRAIL_DENIES.trails),
  ];
}

/** The service control policy attached to a tenant's account: everyone but the deploy role. */
export function guardrailServiceControlPolicy(deployRoleArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: guardrailStatements(deployRoleArn) };
}

/** The fallback without organization access: an IAM policy for every role the program makes. */
export function guardrailRolePolicy(): PolicyDocument {
  return { Version: "2012-10-17", Statement: guardrailStatements() };
}

/** How a stack enforces the guardrails; the plan's header line says which. */
export type GuardrailMode = "organization" | "iam-fallback";

export const guardrailMode = (organizationRoleArn: string | undefined): GuardrailMode =>
  organizationRoleArn === undefined ? "iam-fallback" : "organization";

/** The plan's words for a mode: the fallback says plainly what it does not cover. */
export function describeGuardrailMode(mode: GuardrailMode): string {
  return mode === "organization"
    ? "guardrails by service control policy on each tenant account"
    : "guardrails by IAM fallback only (no organization access: the denies bind the program's own roles, not the account's administrators)";
}
