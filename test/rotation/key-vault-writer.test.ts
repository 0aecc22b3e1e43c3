import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AWS_VERSION_TAG,
  keyVaultWriter,
} from "../../components/rotation/azure/key-vault-writer.js";
import type { KeyVaultDeliveryConfig } from "../../components/rotation/config.js";
import type { AuditEvent } from "../../components/rotation/ports.js";
import { startKeyVaultStandin, type KeyVaultStandin } from "../support/keyvault-standin.js";

// Against the Key Vault stand-in (test/support/keyvault-standin.ts: HTTPS with a throwaway CA, the
// 401 bearer challenge, an Entra token endpoint), through the real @azure/keyvault-secrets and
// @azure/identity clients.
const CANARY = "canary-Zq8!vT3#kL0-never-in-logs";
const DAY = 86_400_000;

let standin: KeyVaultStandin;
beforeAll(async () => {
  standin = await startKeyVaultStandin();
}, 60_000);
afterAll(async () => {
  await standin?.close();
});

function writer(options: { now?: () => Date; clientSecret?: string; name?: string } = {}) {
  const events: AuditEvent[] = [];
  const alerts: { subject: string; message: string }[] = [];
  const config: KeyVaultDeliveryConfig = {
    vaultUrl: "https://globex-3f9a1c.vault.azure.net",
    secretName: options.name ?? "sendgrid-api-key",
    contentType: "application/json",
    entraTenantId: standin.entraTenantId,
    expiresAfterDays: 97,
    overlapHours: 24,
  };
  const replica = keyVaultWriter({
    tenant: "globex",
    secret: "sendgrid-key",
    config,
    run: "run-1",
    audit: (e) => events.push(e),
    alerts: { critical: async (subject, message) => void alerts.push({ subject, message }) },
    retry: { attempts: 3, firstDelayMs: 1 },
    vaultUrl: standin.url,
    clientOptions: { tlsOptions: { ca: standin.ca } },
    ...(options.now && { now: options.now }),
    credential: async () =>
      new ClientSecretCredential(
        standin.entraTenantId,
        standin.clientId,
        options.clientSecret ?? standin.clientSecret,
        {
          authorityHost: standin.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: standin.ca },
        },
      ),
  });
  return { replica, events, alerts };
}

const secret = {
  arn: "arn:aws:secretsmanager:eu-west-1:222222222222:secret:vaultpilot/globex/sendgrid-key-AbCdEf",
  name: "vaultpilot/globex/sendgrid-key",
};
const value = (n: number) => JSON.stringify({ apiKey: `${CANARY}-${n}` });

describe("the Key Vault writer", () => {
  it("signs in through the bearer challenge and writes a new version, tagged and expiring after the schedule and grace", async () => {
    const t0 = new Date("2026-12-01T00:00:00Z");
    const { replica, events } = writer({ now: () => t0 });
    await replica.publish(secret, { versionId: "aws-v1", value: value(1) });

    const [v] = standin.versions("sendgrid-api-key");
    expect(v).toMatchObject({ value: value(1), contentType: "application/json", enabled: true });
    expect(v!.tags).toEqual({ [AWS_VERSION_TAG]: "aws-v1" });
    expect(v!.exp).toBe((t0.getTime() + 97 * DAY) / 1000);
    // Challenge first (401), then Entra's metadata and token, then the call again with the token.
    expect(standin.requests).toContain(`POST /${standin.entraTenantId}/oauth2/v2.0/token`);
    expect(events.map((e) => `${e.step} ${e.outcome}`)).toEqual([
      "replicate:azure-key-vault succeeded",
    ]);
  });

  it("keeps the previous version through the overlap, then disables it; publishing a copied version again adds none", async () => {
    const t1 = new Date("2026-12-31T00:00:00Z");
    await writer({ now: () => t1 }).replica.publish(secret, {
      versionId: "aws-v2",
      value: value(2),
    });
    let [v1, v2] = standin.versions("sendgrid-api-key");
    expect(v1).toMatchObject({ enabled: true, exp: (t1.getTime() + DAY) / 1000 });
    expect(v2).toMatchObject({ enabled: true, value: value(2) });

    await writer({ now: () => t1 }).replica.publish(secret, {
      versionId: "aws-v2",
      value: value(2),
    });
    expect(standin.versions("sendgrid-api-key")).toHaveLength(2);

    const t2 = new Date(t1.getTime() + 30 * DAY);
    await writer({ now: () => t2 }).replica.publish(secret, {
      versionId: "aws-v3",
      value: value(3),
    });
    const versions = standin.versions("sendgrid-api-key");
    [v1, v2] = versions;
    expect(versions).toHaveLength(3);
    expect(v1!.enabled).toBe(false);
    expect(v2).toMatchObject({ enabled: true, exp: (t2.getTime() + DAY) / 1000 });
    expect(versions[2]).toMatchObject({ enabled: true, tags: { [AWS_VERSION_TAG]: "aws-v3" } });
  });

  it("retries a refused write, then alerts and audits without throwing, and without the value", async () => {
    const { replica, events, alerts } = writer({ name: "forbidden-one" });
    standin.forbid(3);
    await expect(
      replica.publish(secret, { versionId: "aws-v9", value: value(9) }),
    ).resolves.toBeUndefined();
    expect(events.map((e) => e.outcome)).toEqual(["retrying", "retrying", "failed"]);
    expect(events[2]!.detail).toContain("403");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toContain("not copied to Azure Key Vault");
    expect(alerts[0]!.message).toContain("The rotation was not undone");
    expect(alerts[0]!.message).toContain("vaultpilot rotate globex/sendgrid-key");
    expect(standin.versions("forbidden-one")).toEqual([]);
    expect(JSON.stringify({ events, alerts })).not.toContain(CANARY);
  });

  it("reports a rejected sign-in without the client secret", async () => {
    const wrong = "wrong-secret-value-0123456789";
    const { replica, events, alerts } = writer({ clientSecret: wrong, name: "never-written" });
    await replica.publish(secret, { versionId: "aws-v1", value: value(1) });
    expect(events.at(-1)).toMatchObject({ outcome: "failed" });
    expect(alerts).toHaveLength(1);
    const text = JSON.stringify({ events, alerts });
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(CANARY);
    expect(standin.versions("never-written")).toEqual([]);
  });
});
