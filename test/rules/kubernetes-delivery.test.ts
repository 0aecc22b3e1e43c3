import { describe, expect, it } from "vitest";
import { clusterYaml, deliveredSecret, kubernetesTenant } from "../support/kubernetes-policies.js";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

const schedules = doc.schedule("monthly", "30d");

describe("rule kubernetes-delivery", () => {
  it("reports an undeclared cluster at the delivery's cluster, suggesting the near one", () => {
    const found = reported(
      validateText({
        "schedules.yaml": schedules,
        "acme.yaml": yamlFile(
          kubernetesTenant("acme", clusterYaml("prod-eu")),
          deliveredSecret("app-token", "acme", { delivery: ["cluster: prod-ue"] }),
        ),
      }),
      "kubernetes-delivery",
    );
    expect(found).toEqual([
      {
        // The secret's document starts on line 17; "- cluster:" is its 11th line.
        where: "acme.yaml:27:18",
        severity: "error",
        message:
          'secret "app-token" is delivered to cluster "prod-ue", which tenant "acme" does not declare; did you mean "prod-eu"?',
      },
    ]);
  });

  it("reports an undeclared cluster with no near name, pointing at the tenant's spec", () => {
    const [found] = reported(
      validateText({
        "schedules.yaml": schedules,
        "acme.yaml": yamlFile(
          doc.tenant("acme"),
          deliveredSecret("app-token", "acme", { delivery: ["cluster: somewhere"] }),
        ),
      }),
      "kubernetes-delivery",
    );
    expectHelpfulMessage(found!.message, "app-token", "somewhere", "acme");
    expect(found!.message).toContain("add it to spec.kubernetes.clusters (acme.yaml:6:3)");
  });

  it("reports a delivery into a cluster another tenant declares: that tenant's namespace", () => {
    const [found, ...rest] = reported(
      validateText({
        "schedules.yaml": schedules,
        "globex.yaml": kubernetesTenant("globex", clusterYaml("globex-prod")),
        "acme.yaml": yamlFile(
          kubernetesTenant("acme", clusterYaml("acme-prod")),
          deliveredSecret("app-token", "acme", { delivery: ["cluster: globex-prod"] }),
        ),
      }),
      "kubernetes-delivery",
    );
    expect(rest).toEqual([]);
    expect(found!.message).toContain(
      'which tenant "globex" declares (globex.yaml:4:9): that is tenant "globex"\'s namespace; ' +
        "a secret may be delivered only into its own tenant's namespace",
    );
  });

  it("reports two secrets writing one Kubernetes Secret of a cluster", () => {
    const found = reported(
      validateText({
        "schedules.yaml": schedules,
        "acme.yaml": yamlFile(
          kubernetesTenant("acme", clusterYaml("prod")),
          deliveredSecret("token-a", "acme", {
            delivery: ["cluster: prod\n        secretName: app"],
          }),
          deliveredSecret("token-b", "acme", {
            delivery: ["cluster: prod\n        secretName: app"],
          }),
        ),
      }),
      "kubernetes-delivery",
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('secret "token-b" and secret "token-a"');
    expect(found[0]!.message).toContain(
      'both write Kubernetes Secret "app" on cluster "prod"; use a different secretName',
    );
  });

  it("accepts deliveries to declared clusters, csi without a Kubernetes Secret, and a schema-checked via", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": yamlFile(
        kubernetesTenant(
          "acme",
          clusterYaml("prod"),
          clusterYaml("staging", { issuerId: "STAGING0001" }),
        ),
        deliveredSecret("token-a", "acme", {
          delivery: ["cluster: prod", "cluster: staging\n        via: csi"],
        }),
        deliveredSecret("token-b", "acme", { delivery: ["cluster: prod\n        via: csi"] }),
      ),
    });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const token = result.model!.tenants[0]!.secrets[0]!;
    expect(
      token.kubernetesDelivery.map((d) => [d.cluster.name, d.via, d.secretName, d.refreshInterval]),
    ).toEqual([
      ["prod", "external-secrets", "token-a", "1h"],
      ["staging", "csi", undefined, "1h"],
    ]);
  });
});
