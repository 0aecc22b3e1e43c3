import { describe, expect, it } from "vitest";
import { clusterYaml, kubernetesTenant } from "../support/kubernetes-policies.js";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

const schedules = doc.schedule("monthly", "30d");

describe("rule kubernetes-namespace", () => {
  it.each(["Acme_Web", "web.acme", "-acme", "a".repeat(64)])(
    "reports namespace %s, which is not a DNS-1123 label, at its value",
    (namespace) => {
      const [found, ...rest] = reported(
        validateText({
          "schedules.yaml": schedules,
          "acme.yaml": kubernetesTenant("acme", clusterYaml("prod", { namespace })),
        }),
        "kubernetes-namespace",
      );
      expect(rest).toEqual([]);
      // The tenant's 9 lines, then kubernetes:, clusters:, "- name:", and "namespace:" on line 13.
      expect(found).toMatchObject({ where: "acme.yaml:13:20", severity: "error" });
      expectHelpfulMessage(found!.message, namespace, "acme", "prod");
      expect(found!.message).toContain("DNS-1123 label");
    },
  );

  it("reports a system namespace", () => {
    const [found] = reported(
      validateText({
        "schedules.yaml": schedules,
        "acme.yaml": kubernetesTenant("acme", clusterYaml("prod", { namespace: "kube-system" })),
      }),
      "kubernetes-namespace",
    );
    expect(found?.message).toContain(
      'belongs to Kubernetes itself; use a namespace of the tenant\'s own, such as "acme"',
    );
  });

  it("reports a namespace named after another tenant, naming that tenant's place", () => {
    const found = reported(
      validateText({
        "schedules.yaml": schedules,
        "acme.yaml": kubernetesTenant("acme", clusterYaml("prod", { namespace: "globex" })),
        "globex.yaml": doc.tenant("globex"),
      }),
      "kubernetes-namespace",
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('is the name of tenant "globex" (globex.yaml:4:9)');
  });

  it("reports two tenants sharing a namespace of one EKS cluster, at the second, naming the first", () => {
    const found = reported(
      validateText({
        "schedules.yaml": schedules,
        "a.yaml": kubernetesTenant("acme", clusterYaml("prod", { namespace: "shared" })),
        "b.yaml": kubernetesTenant(
          "globex",
          clusterYaml("main", { eksCluster: "prod", namespace: "shared" }),
        ),
      }),
      "kubernetes-namespace",
    );
    expect(found).toEqual([
      {
        where: "b.yaml:13:20",
        severity: "error",
        message:
          'tenants "acme" and "globex" share namespace "shared" on EKS cluster "prod" (a.yaml:12:15), ' +
          "so each could read the other's secrets; use a namespace per tenant",
      },
    ]);
  });

  it("accepts the same namespace name on different clusters, and default namespaces", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "a.yaml": kubernetesTenant("acme", clusterYaml("prod", { namespace: "payments" })),
      "b.yaml": kubernetesTenant(
        "globex",
        clusterYaml("prod", { namespace: "payments", issuerId: "OTHERCLUSTER0000" }),
        clusterYaml("staging"),
      ),
    });
    expect(reported(result, "kubernetes-namespace")).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
