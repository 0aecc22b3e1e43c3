import { describe, expect, it } from "vitest";
import { reported, validateText } from "../support/validate-text.js";

const CANARY = "https://hooks.slack.com/services/T000/B000/canary-7f3a9";

function tenantWith(notifications: string) {
  return validateText({
    "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws: { account: "123456789012", region: us-east-1 }
  notifications:
${notifications}`,
  });
}

describe("rule notification-secret-value", () => {
  it("reports a Slack URL pasted as the url at its line, without repeating it anywhere", () => {
    const result = tenantWith(`    routes:
      - name: platform
        slack:
          url: ${CANARY}
`);
    const found = reported(result, "notification-secret-value");
    expect(found).toHaveLength(1);
    expect(found[0]!.where).toBe("acme.yaml:12:16");
    expect(found[0]!.message).toMatch(/holds a URL written into the policy/);
    expect(found[0]!.message).toMatch(/secretsManager/);
    expect(JSON.stringify(result.diagnostics)).not.toContain("canary-7f3a9");
    // The document goes no further: no schema message about the same field.
    expect(result.diagnostics.map((d) => d.rule)).toEqual(["notification-secret-value"]);
  });

  it("reports a signing key pasted as a plain string, and a URL under a secretsManager name", () => {
    const result = tenantWith(`    routes:
      - name: siem
        webhook:
          url: { secretsManager: "${CANARY}" }
          signingKey: canary-signing-key-1234
`);
    const found = reported(result, "notification-secret-value");
    expect(found.map((f) => f.where)).toEqual(["acme.yaml:12:34", "acme.yaml:13:23"]);
    expect(found[1]!.message).toMatch(/holds a value written into the policy/);
    expect(JSON.stringify(result.diagnostics)).not.toContain("canary");
  });

  it("accepts routes that name where their secrets are kept", () => {
    const result = tenantWith(`    routes:
      - name: platform
        slack: { url: { stackConfig: acmeSlackWebhook } }
      - name: siem
        webhook:
          url: { secretsManager: vaultpilot/acme/siem-url }
          signingKey: { secretsManager: vaultpilot/acme/siem-key }
      - name: security
        email: {}
`);
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.tenants[0]?.notifications?.routes.map((r) => r.target.kind)).toEqual([
      "slack",
      "webhook",
      "email",
    ]);
  });
});
