import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rotationConfigFor } from "../../program/rotation-config.js";
import { validatePolicies } from "../../program/validate.js";

describe("the rotation configuration of a secret delivered through External Secrets", () => {
  const globex = validatePolicies(
    join(import.meta.dirname, "..", "..", "policies"),
  ).model!.tenants.find((t) => t.name === "globex")!;
  const secret = (name: string) => globex.secrets.find((s) => s.name === name)!;

  it("tells the reloader which ExternalSecret a Kubernetes consumer in that namespace reads", () => {
    expect(rotationConfigFor(secret("feature-flags")).reload).toEqual([
      {
        service: "web",
        runtime: "kubernetes",
        kubernetes: { cluster: "globex-prod", namespace: "globex-web", deployment: "web" },
        externalSecret: { namespace: "globex-web", name: "feature-flags" },
      },
    ]);
  });

  it("leaves consumers of undelivered secrets as they were", () => {
    expect(rotationConfigFor(secret("analytics-db")).reload).toEqual([
      { service: "reporting", runtime: "ecs", ecs: { cluster: "globex", service: "reporting" } },
    ]);
  });
});
