import { describe, expect, it } from "vitest";
import { doc, reported, validateText } from "../support/validate-text.js";

// doc.tenant ends at line 9 (`    region: us-east-1`); `  store:` is line 10, its first field line 11.
function withStore(store: string) {
  return validateText({
    "acme.yaml": [
      `${doc.tenant("acme")}  store:\n${store}`,
      doc.schedule("monthly", "30d"),
      doc.service("api", "acme"),
      doc.secret("hook", "acme", "monthly", ["api"]),
    ].join("---\n"),
  });
}

const approle = `    auth:
      method: approle
      roleId: 6b7f9e1c-role
      secretId: { env: VAULTPILOT_VAULT_SECRET_ID }
`;

describe("rules vault-store-address, vault-store-auth, vault-store-fields", () => {
  it("accepts a vault store on https with an AppRole, and builds it into the model with defaults", () => {
    const result = withStore(
      `    type: vault\n    address: https://bao.example.com:8200\n${approle}`,
    );

    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.model!.tenants[0]!.store).toEqual({
      type: "vault",
      address: "https://bao.example.com:8200",
      mount: "secret",
      pathPrefix: "vaultpilot/acme",
      auth: {
        method: "approle",
        mount: "approle",
        roleId: "6b7f9e1c-role",
        secretId: { env: "VAULTPILOT_VAULT_SECRET_ID" },
      },
    });
  });

  it("defaults a tenant without spec.store to Secrets Manager", () => {
    const result = validateText({ "acme.yaml": doc.tenant("acme") });

    expect(result.model!.tenants[0]!.store).toEqual({ type: "aws-secrets-manager" });
  });

  it.each(["http://127.0.0.1:8200", "http://localhost:8200", "http://[::1]:8200"])(
    "accepts plain http on loopback (%s)",
    (address) => {
      expect(
        reported(
          withStore(`    type: vault\n    address: ${address}\n${approle}`),
          "vault-store-address",
        ),
      ).toEqual([]);
    },
  );

  it("reports plain http to another host at the address, saying to use https", () => {
    const found = reported(
      withStore(`    type: vault\n    address: http://bao.internal:8200\n${approle}`),
      "vault-store-address",
    );

    expect(found).toEqual([
      {
        where: "acme.yaml:12:14",
        severity: "error",
        message:
          'vault store address "http://bao.internal:8200" is plain http on a host that is not loopback: tokens and secret ids would cross the network in clear; use https://bao.internal:8200',
      },
    ]);
  });

  it("reports a vault store without an address or auth at its type", () => {
    const result = withStore(`    type: vault\n`);

    expect(reported(result, "vault-store-address")).toEqual([
      expect.objectContaining({
        where: "acme.yaml:11:11",
        message: expect.stringContaining("add spec.store.address"),
      }),
    ]);
    expect(reported(result, "vault-store-auth")).toEqual([
      expect.objectContaining({
        where: "acme.yaml:11:11",
        message: expect.stringContaining("add spec.store.auth"),
      }),
    ]);
  });

  it("reports a field of another auth method at its key, and a missing one at the method", () => {
    const found = reported(
      withStore(
        `    type: vault\n    address: https://bao.example.com\n    auth:\n      method: approle\n      role: rotator\n      secretId: { file: /run/secrets/secret-id }\n`,
      ),
      "vault-store-auth",
    );

    expect(found).toEqual([
      {
        where: "acme.yaml:14:15",
        severity: "error",
        message: 'auth method approle needs "roleId"',
      },
      {
        where: "acme.yaml:15:7",
        severity: "error",
        message: 'auth method approle takes no "role"; it takes mount, roleId, secretId',
      },
    ]);
  });

  it("lets kubernetes default its token to the pod's service-account token file", () => {
    const result = withStore(
      `    type: vault\n    address: https://bao.example.com\n    auth:\n      method: kubernetes\n      role: vaultpilot\n`,
    );

    expect(reported(result, "vault-store-auth")).toEqual([]);
    expect(result.model!.tenants[0]!.store).toMatchObject({
      auth: {
        method: "kubernetes",
        mount: "kubernetes",
        role: "vaultpilot",
        token: { file: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
      },
    });
  });

  it("reports vault fields on a Secrets Manager store at their keys", () => {
    const found = reported(
      withStore(`    type: aws-secrets-manager\n    address: https://bao.example.com\n`),
      "vault-store-fields",
    );

    expect(found).toEqual([
      {
        where: "acme.yaml:12:5",
        severity: "error",
        message:
          'spec.store.address applies to a vault store, and tenant "acme" uses aws-secrets-manager; set type: vault, or remove address',
      },
    ]);
  });

  it("leaves an unknown store type or a secret id written inline to the schema", () => {
    const result = withStore(
      `    type: vault\n    address: https://bao.example.com\n    auth:\n      method: approle\n      roleId: r\n      secretId: s3cr3t-inline\n`,
    );

    const schema = result.diagnostics.filter((d) => d.rule === "schema");
    expect(schema).toEqual([expect.objectContaining({ line: 16, column: 17 })]);
    expect(schema[0]!.message).toMatch(/^spec\.store\.auth\.secretId: .*use a map/);
  });
});

describe("rule vault-store-delivery", () => {
  const vaultTenant = `${doc.tenant("acme")}  store:\n    type: vault\n    address: https://bao.example.com\n${approle}`;

  it("reports disaster recovery on a vault tenant and delivery of its secret, at their keys", () => {
    const result = validateText({
      "acme.yaml": [
        `${vaultTenant}  disasterRecovery:\n    region: us-west-2\n`,
        doc.schedule("monthly", "30d"),
        doc.service("api", "acme"),
        `${doc.secret("hook", "acme", "monthly", ["api"])}  delivery:\n    kubernetes:\n      - cluster: prod\n`,
      ].join("---\n"),
    });

    const found = reported(result, "vault-store-delivery");
    expect(found.map((f) => f.message)).toEqual([
      'tenant "acme" keeps its secrets in a vault store, and disaster recovery replicates Secrets Manager secrets; remove spec.disasterRecovery (replicate OpenBao itself), or use store type aws-secrets-manager',
      'secret "hook" of tenant "acme" is in a vault store, and delivery to Kubernetes reads Secrets Manager; remove spec.delivery.kubernetes, or use store type aws-secrets-manager',
    ]);
    expect(found[0]!.where).toBe("acme.yaml:17:3");
  });

  it("lets a Secrets Manager tenant have both", () => {
    const result = validateText({
      "acme.yaml": [
        `${doc.tenant("acme")}  disasterRecovery:\n    region: us-west-2\n`,
        doc.schedule("monthly", "30d"),
        doc.service("api", "acme"),
        `${doc.secret("hook", "acme", "monthly", ["api"])}  delivery:\n    kubernetes:\n      - cluster: prod\n`,
      ].join("---\n"),
    });

    expect(reported(result, "vault-store-delivery")).toEqual([]);
  });
});
