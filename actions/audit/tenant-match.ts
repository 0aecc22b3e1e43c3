import { driftReaderRoleName } from "../../cloud/aws/drift-reader-policy.js";
import { keyAliasName } from "../../cloud/aws/naming.js";

/** What identifies a tenant's resources in an event: its account, secrets, key and roles. */
export interface TenantTarget {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** The tenant key's ARNs (DescribeKey on its alias), when they could be resolved. */
  readonly keyArns: readonly string[];
}

/** The tenant an event concerns and the resource that says so. */
export interface Match {
  readonly tenant: string;
  readonly resource: string;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Reads the first of several field names: events of different ages spell fields differently. */
function field(o: Json | undefined, ...names: string[]): string[] {
  if (!o) return [];
  const out: string[] = [];
  for (const name of names) {
    const v = str(o[name]);
    if (v) out.push(v);
  }
  return out;
}

/** ARNs in the event's `resources` list (`ARN`, or `arn` in older events). */
function resourceArns(event: Json): string[] {
  const list = Array.isArray(event.resources) ? event.resources : [];
  return list.flatMap((r) => field(obj(r), "ARN", "arn", "resourceARN"));
}

/** The account the event happened in: `recipientAccountId`, else the caller's. */
function eventAccount(event: Json): string | undefined {
  return str(event.recipientAccountId) ?? str(obj(event.userIdentity)?.accountId);
}

/**
 * Secret ids an event names: request parameters (`secretId`; `SecretId`, `secretArn`, `name` and
 * `arn` in older or other operations), Secrets Manager's own rotation events
 * (`additionalEventData.SecretId`, `serviceEventDetails`), the response's `arn`, and `resources`.
 */
export function secretIds(event: Json): string[] {
  const request = obj(event.requestParameters);
  return [
    ...field(
      request,
      "secretId",
      "SecretId",
      "secretArn",
      "SecretArn",
      "name",
      "Name",
      "arn",
      "ARN",
    ),
    ...field(obj(event.additionalEventData), "SecretId", "secretId", "SecretArn", "secretArn"),
    ...field(obj(event.serviceEventDetails), "SecretId", "secretId", "SecretArn", "secretArn"),
    ...field(obj(event.responseElements), "arn", "ARN"),
    ...resourceArns(event).filter((a) => a.includes(":secretsmanager:")),
  ];
}

/** Key ids, ARNs and alias names a KMS event names, and the secret in its encryption context. */
function keyIds(event: Json): string[] {
  const request = obj(event.requestParameters);
  return [
    ...field(request, "keyId", "KeyId", "targetKeyId", "TargetKeyId", "aliasName", "AliasName"),
    ...field(request, "sourceKeyId", "destinationKeyId"),
    ...resourceArns(event).filter((a) => a.includes(":kms:")),
  ];
}

function encryptionContextSecrets(event: Json): string[] {
  const context = obj(obj(event.requestParameters)?.encryptionContext);
  return field(context, "SecretARN", "aws:secretsmanager:arn");
}

function roleIds(event: Json): string[] {
  const request = obj(event.requestParameters);
  return [
    ...field(request, "roleName", "RoleName", "roleArn", "RoleArn", "userName", "UserName"),
    ...resourceArns(event).filter((a) => a.includes(":iam::")),
  ];
}

/** `arn:aws:<service>:<region>:<account>:<rest>` → its account and rest, or undefined. */
function splitArn(id: string): { account: string; rest: string } | undefined {
  const parts = id.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return undefined;
  return { account: parts[4]!, rest: parts.slice(5).join(":") };
}

/**
 * Decides which tenant, if any, an event concerns: Secrets Manager events on its secrets (named
 * `vaultpilot/<tenant>/…`, by name or ARN), KMS events on its key (id, ARN, alias or alias ARN, or
 * a Decrypt whose encryption context names one of its secrets), IAM and STS events on its roles
 * and IAM users (`vaultpilot.<tenant>.…`, `vaultpilot-drift-reader-<tenant>`). A bare name counts
 * only in the tenant's own account; an ARN carries its account.
 */
export class TenantMatcher {
  private readonly byAccount = new Map<string, TenantTarget[]>();
  private readonly keys = new Map<string, TenantTarget>();

  constructor(readonly tenants: readonly TenantTarget[]) {
    for (const t of tenants) {
      this.byAccount.set(t.account, [...(this.byAccount.get(t.account) ?? []), t]);
      for (const arn of t.keyArns) {
        this.keys.set(arn, t);
        const id = arn.slice(arn.lastIndexOf("/") + 1);
        this.keys.set(`${t.account}\0${id}`, t);
      }
    }
  }

  match(event: Json): Match | undefined {
    const source = str(event.eventSource);
    const account = eventAccount(event);
    if (source === "secretsmanager.amazonaws.com") {
      for (const id of secretIds(event)) {
        const found = this.secret(id, account);
        if (found) return found;
      }
      return undefined;
    }
    if (source === "kms.amazonaws.com") {
      for (const id of keyIds(event)) {
        const found = this.key(id, account);
        if (found) return found;
      }
      for (const id of encryptionContextSecrets(event)) {
        const found = this.secret(id, account);
        if (found) return { tenant: found.tenant, resource: id };
      }
      return undefined;
    }
    if (source === "iam.amazonaws.com" || source === "sts.amazonaws.com") {
      for (const id of roleIds(event)) {
        const found = this.role(id, account);
        if (found) return found;
      }
    }
    return undefined;
  }

  private candidates(account: string | undefined): readonly TenantTarget[] {
    return account ? (this.byAccount.get(account) ?? []) : [];
  }

  private secret(id: string, account: string | undefined): Match | undefined {
    const arn = splitArn(id);
    const name = arn ? arn.rest.replace(/^secret:/, "") : id;
    for (const t of this.candidates(arn ? arn.account : account)) {
      if (name.startsWith(`vaultpilot/${t.name}/`)) return { tenant: t.name, resource: id };
    }
    return undefined;
  }

  private key(id: string, account: string | undefined): Match | undefined {
    const arn = splitArn(id);
    const direct = this.keys.get(id) ?? this.keys.get(`${arn?.account ?? account}\0${id}`);
    if (direct) return { tenant: direct.name, resource: id };
    const alias = arn ? arn.rest : id;
    for (const t of this.candidates(arn ? arn.account : account)) {
      if (alias === keyAliasName(t.name)) return { tenant: t.name, resource: id };
    }
    return undefined;
  }

  private role(id: string, account: string | undefined): Match | undefined {
    const arn = splitArn(id);
    // role/path/name or user/path/name: the name is the last part.
    const name = arn ? arn.rest.slice(arn.rest.lastIndexOf("/") + 1) : id;
    for (const t of this.candidates(arn ? arn.account : account)) {
      if (name.startsWith(`vaultpilot.${t.name}.`) || name === driftReaderRoleName(t.name)) {
        return { tenant: t.name, resource: id };
      }
    }
    return undefined;
  }
}
