import { describe, expect, it } from "vitest";
import { expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

function tenantWith(routes: string) {
  return validateText({
    "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws: { account: "123456789012", region: us-east-1 }
  notifications:
    routes:
${routes}`,
  });
}

describe("rule notification-route", () => {
  it("reports a route with no destination and one with two, at their names", () => {
    const found = reported(
      tenantWith(`      - name: nowhere
        events: [rotation-failed]
      - name: both
        email: {}
        slack: { url: { stackConfig: slackUrl } }
`),
      "notification-route",
    );
    expect(found.map((f) => f.where)).toEqual(["acme.yaml:10:15", "acme.yaml:12:15"]);
    expectHelpfulMessage(found[0]!.message, "nowhere", "acme");
    expect(found[1]!.message).toMatch(/2 destinations \(email, slack\)/);
  });

  it("reports a route name used twice", () => {
    const found = reported(
      tenantWith(`      - name: ops
        email: {}
      - name: ops
        slack: { url: { stackConfig: slackUrl } }
`),
      "notification-route",
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.where).toBe("acme.yaml:12:15");
    expectHelpfulMessage(found[0]!.message, "ops", "acme");
  });

  it("accepts one destination per route, with defaults applied in the model", () => {
    const result = tenantWith(`      - name: ops
        email: {}
      - name: pager
        slack: { url: { stackConfig: slackUrl } }
        events: [rollback-failed, rotation-failed]
        minSeverity: critical
`);
    expect(result.diagnostics).toEqual([]);
    const [ops, pager] = result.model!.tenants[0]!.notifications!.routes;
    expect(ops!.events).not.toContain("rotation-succeeded");
    expect(ops!.minSeverity).toBe("info");
    expect(pager!.events).toEqual(["rollback-failed", "rotation-failed"]);
    expect(result.model!.tenants[0]!.notifications!.dedupeMinutes).toBe(360);
  });
});
