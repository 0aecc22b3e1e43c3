import { closest } from "../did-you-mean.js";
import type { PolicyModel, Tenant } from "../model.js";

/**
 * What a stack's configuration (`Pulumi.<stack>.yaml`) says, read the same way by the Pulumi
 * program (from `pulumi.Config`) and by `vaultpilot plan` / `stacks` (from the file, offline).
 */
export interface StackSettings {
  readonly stack: string;
  /** `vaultpilot:policyDir`, relative to the project. @default "policies" */
  readonly policyDir: string;
  /** `aws:region`: the stack's home region (its default provider; tenants' resources go to each tenant's region). */
  readonly region: string;
  /** `vaultpilot:tenants`: names or globs (`*`), `!pattern` excludes. @default ["*"] */
  readonly tenants: readonly string[];
  /** `vaultpilot:keyDeletionWindowDays`: 7..30. @default 30 */
  readonly keyDeletionWindowDays: number;
  /** `vaultpilot:logRetentionDays`. @default 365 */
  readonly logRetentionDays: number;
  /** `vaultpilot:deployRoleName`: the role assumed in each tenant's account. @default "vaultpilot-deployer" */
  readonly deployRoleName: string;
  /** `vaultpilot:alarmWebhookUrl`: an HTTPS endpoint for rotation alarms; always handled as a secret. */
  readonly alarmWebhookUrl?: ConfigValue;
  /**
   * `vaultpilot:driftCiRoleArn`: the role the drift workflow runs as. When set, each tenant gets a
   * DriftReaderRole that trusts it. @default - no drift reader role
   */
  readonly driftCiRoleArn?: string;
  /**
   * `vaultpilot:installation`: names this installation in each tenant's drift ExternalId; must match
   * drift's --installation. @default "default"
   */
  readonly installation: string;
  /**
   * `vaultpilot:azureCredentialSecret`: the name of a Secrets Manager secret, in each tenant's
   * account, holding `{"clientId","clientSecret"}` of the Microsoft Entra application the rotation
   * Lambda writes Key Vault versions as; its role may read it. @default - the Lambda has no Azure
   * credential, and rotations of Azure-delivered secrets alert that they could not copy them
   */
  readonly azureCredentialSecret?: string;
  /**
   * `vaultpilot:azureWriterPrincipalId`: that application's service principal object id; it gets Key
   * Vault Secrets Officer on each tenant's vault. @default - grant it yourself
   */
  readonly azureWriterPrincipalId?: string;
  /**
   * `vaultpilot:organizationRoleArn`: a role in the AWS Organization's management account that the
   * stack assumes to manage service control policies. When set, the guardrails are a service
   * control policy per tenant account; without it, an IAM policy on every role the program makes.
   * @default - the IAM fallback
   */
  readonly organizationRoleArn?: string;
  /**
   * `vaultpilot:deployCiRoleArn`: the role the deploy workflow runs as, which each tenant's deploy
   * role trusts (`vaultpilot bootstrap` writes it into the template). @default - bootstrap needs --ci-role-arn
   */
  readonly deployCiRoleArn?: string;
}

/** A config value and whether Pulumi holds it as a secret (`secure:` in the stack file). */
export interface ConfigValue {
  readonly value: string;
  readonly secret: boolean;
}

/** Reads one key (`namespace:name`): its value parsed (lists and numbers too), or undefined. */
export type ConfigLookup = (key: string) => { value: unknown; secret: boolean } | undefined;

export class StackConfigError extends Error {}

/** An IAM role's ARN (any partition), its account in group 1. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * Every `vaultpilot:` setting a stack file may hold; any other is a mistake. A module that reads
 * a new setting adds its key here.
 */
export const VAULTPILOT_SETTINGS = [
  // StackSettings, above
  "vaultpilot:policyDir",
  "vaultpilot:tenants",
  "vaultpilot:keyDeletionWindowDays",
  "vaultpilot:logRetentionDays",
  "vaultpilot:deployRoleName",
  "vaultpilot:alarmWebhookUrl",
  "vaultpilot:driftCiRoleArn",
  "vaultpilot:installation",
  // delivery to Azure Key Vault (StackSettings)
  "vaultpilot:azureCredentialSecret",
  "vaultpilot:azureWriterPrincipalId",
  "vaultpilot:organizationRoleArn",
  "vaultpilot:deployCiRoleArn",
  // the audit archive and export (audit-settings.ts)
  "vaultpilot:auditArchive",
  "vaultpilot:auditBucketName",
  "vaultpilot:auditExportRoleArn",
  "vaultpilot:auditMaskFields",
  "vaultpilot:auditOrganizationTrail",
  "vaultpilot:auditRetention",
  "vaultpilot:auditTrail",
  "vaultpilot:auditTrailBucket",
] as const;

/**
 * Reads a stack's settings. `keys`, when given, are every config key the stack sets: a
 * `vaultpilot:` key that is not a setting (a typo such as `vaultpilot:tenant`, which would
 * otherwise plan every tenant silently) is an error that suggests the nearest setting.
 */
export function readStackSettings(
  stack: string,
  get: ConfigLookup,
  keys: readonly string[] = [],
): StackSettings {
  for (const key of keys) {
    if (!key.startsWith("vaultpilot:")) continue;
    if ((VAULTPILOT_SETTINGS as readonly string[]).includes(key)) continue;
    const suggestion = closest(key, VAULTPILOT_SETTINGS);
    throw new StackConfigError(
      `stack "${stack}": unknown setting ${key}; ${suggestion ? `did you mean ${suggestion}?` : `the settings are ${VAULTPILOT_SETTINGS.join(", ")}`}`,
    );
  }
  const text = (key: string, fallback: string): string => {
    const found = get(key);
    if (found === undefined) return fallback;
    if (typeof found.value !== "string" || found.value === "") {
      throw new StackConfigError(`stack "${stack}": ${key} must be a non-empty string`);
    }
    return found.value;
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const found = get(key);
    if (found === undefined) return fallback;
    const n = typeof found.value === "string" ? Number(found.value) : found.value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw new StackConfigError(
        `stack "${stack}": ${key} is ${JSON.stringify(found.value)}; it must be a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };
  const tenantsFound = get("vaultpilot:tenants");
  let tenants: string[] = ["*"];
  if (tenantsFound !== undefined) {
    const value = tenantsFound.value;
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      !value.every((v) => typeof v === "string" && v !== "")
    ) {
      throw new StackConfigError(
        `stack "${stack}": vaultpilot:tenants must be a list of tenant names or globs, such as ["acme", "team-*", "!team-old"]`,
      );
    }
    tenants = value as string[];
  }
  const roleArnSetting = (key: string): string | undefined => {
    if (get(key) === undefined) return undefined;
    const value = text(key, "");
    if (!IAM_ROLE_ARN.test(value)) {
      throw new StackConfigError(
        `stack "${stack}": ${key} is "${value}"; it must be an IAM role ARN, such as arn:aws:iam::123456789012:role/vaultpilot-organization`,
      );
    }
    return value;
  };
  const organizationRoleArn = roleArnSetting("vaultpilot:organizationRoleArn");
  const deployCiRoleArn = roleArnSetting("vaultpilot:deployCiRoleArn");
  const webhook = get("vaultpilot:alarmWebhookUrl");
  const driftCiRole = get("vaultpilot:driftCiRoleArn");
  return {
    stack,
    policyDir: text("vaultpilot:policyDir", "policies"),
    region: text("aws:region", "us-east-1"),
    tenants,
    keyDeletionWindowDays: integer("vaultpilot:keyDeletionWindowDays", 30, 7, 30),
    logRetentionDays: integer("vaultpilot:logRetentionDays", 365, 1, 3653),
    deployRoleName: text("vaultpilot:deployRoleName", "vaultpilot-deployer"),
    installation: text("vaultpilot:installation", "default"),
    ...(organizationRoleArn !== undefined && { organizationRoleArn }),
    ...(deployCiRoleArn !== undefined && { deployCiRoleArn }),
    ...(driftCiRole !== undefined && { driftCiRoleArn: text("vaultpilot:driftCiRoleArn", "") }),
    ...(get("vaultpilot:azureCredentialSecret") !== undefined && {
      azureCredentialSecret: text("vaultpilot:azureCredentialSecret", ""),
    }),
    ...(get("vaultpilot:azureWriterPrincipalId") !== undefined && {
      azureWriterPrincipalId: text("vaultpilot:azureWriterPrincipalId", ""),
    }),
    ...(webhook !== undefined && {
      // A webhook URL carries its token: secret even when the file holds it in plain text.
      alarmWebhookUrl: { value: String(webhook.value), secret: true },
    }),
  };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

/** Whether a tenant belongs to a stack: it matches an including pattern and no `!` pattern. */
export function tenantSelected(name: string, selector: readonly string[]): boolean {
  const include = selector.filter((p) => !p.startsWith("!"));
  const exclude = selector.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  return (
    include.some((p) => globToRegExp(p).test(name)) &&
    !exclude.some((p) => globToRegExp(p).test(name))
  );
}

export function selectTenants(model: PolicyModel, selector: readonly string[]): Tenant[] {
  return model.tenants.filter((t) => tenantSelected(t.name, selector));
}
