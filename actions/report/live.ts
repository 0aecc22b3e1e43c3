import type { Tenant } from "../../program/model.js";
import { expectedTenant, type ExpectedTenant } from "../../cloud/aws/expected.js";
import { awsReason } from "../../cloud/aws/aws-reason.js";
import {
  accountClients,
  destroyClients,
  type AwsAccess,
} from "../../cloud/aws/live/account-clients.js";
import { mapLimit } from "../../cloud/aws/live/concurrency.js";
import { readAccount } from "../../cloud/aws/live/read-account.js";
import { accountKey, type LiveAccount } from "../../cloud/aws/live/state.js";
import type { LiveTenant } from "./checks/check.js";

/**
 * Reads each account and region of `tenants` once through the drift reader, with exactly the
 * calls `vaultpilot drift` makes (ListSecrets and ListAliases pages, DescribeKey and
 * GetKeyRotationStatus per tenant key, ListSecretVersionIds only for a rotation in progress;
 * never a value). Unlike drift, an account that cannot be read does not stop the run: its
 * tenants come back with the reason, and their live results are `error`.
 */
export async function readLiveTenants(
  tenants: readonly Tenant[],
  access: AwsAccess,
  concurrency: number,
): Promise<Map<string, LiveTenant>> {
  const groups = new Map<string, ExpectedTenant[]>();
  for (const tenant of tenants.map(expectedTenant)) {
    const key = accountKey(tenant.account, tenant.region);
    groups.set(key, [...(groups.get(key) ?? []), tenant]);
  }
  const read = await mapLimit([...groups.values()], Math.min(4, concurrency), async (group) => {
    const first = [...group].sort((a, b) => a.name.localeCompare(b.name))[0]!;
    try {
      const clients = await accountClients(access, {
        account: first.account,
        region: first.region,
        tenant: first.name,
      }).catch((error: unknown) => {
        throw new Error(`assuming the reader role failed: ${awsReason(error)}`);
      });
      try {
        const managed = new Set(group.flatMap((t) => t.secrets.map((s) => s.name)));
        const live = await readAccount(clients, {
          account: first.account,
          region: first.region,
          keyAliases: group.map((t) => t.keyAlias),
          closerLook: (secret) => managed.has(secret.name),
          concurrency,
        });
        return { group, live, readAt: new Date().toISOString(), error: undefined };
      } catch (error) {
        throw new Error(`reading failed: ${awsReason(error)}`, { cause: error });
      } finally {
        destroyClients(clients);
      }
    } catch (error) {
      return {
        group,
        live: undefined,
        readAt: "",
        error: error instanceof Error ? error.message : String(error),
      };
    }
  });
  const byTenant = new Map<string, LiveTenant>();
  for (const entry of read) {
    for (const tenant of entry.group) {
      const where = { tenant: tenant.name, account: tenant.account, region: tenant.region };
      if (entry.live) byTenant.set(tenant.name, view(tenant, entry.live, entry.readAt));
      else byTenant.set(tenant.name, { ...where, error: entry.error ?? "unknown error" });
    }
  }
  return byTenant;
}

function view(tenant: ExpectedTenant, live: LiveAccount, readAt: string): LiveTenant {
  const keyId = live.aliases.get(tenant.keyAlias);
  const key = keyId ? live.keys.get(keyId) : undefined;
  const byName = new Map<string, LiveAccount["secrets"][number]>();
  for (const secret of live.secrets) {
    // A secret scheduled for deletion yields to a live one of the same name.
    if (!byName.has(secret.name) || byName.get(secret.name)!.deletedDate)
      byName.set(secret.name, secret);
  }
  return {
    tenant: tenant.name,
    account: tenant.account,
    region: tenant.region,
    readAt,
    keyAlias: tenant.keyAlias,
    ...(key && { key }),
    secrets: tenant.secrets.map((expected) => {
      const found = byName.get(expected.name);
      return { expected, ...(found && { live: found }) };
    }),
  };
}
