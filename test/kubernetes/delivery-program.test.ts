import { describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { deliveryModel } from "../support/kubernetes-delivery-policies.js";

const model = deliveryModel();
const run = await runProgram(
  model,
  readStackSettings("test", () => undefined),
);
const find = (type: string, name: string): SubjectResource => {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
// The provider each resource is registered with, which the plan's records leave out.
const providerOf = new Map<string, string>();
{
  const pulumi = await import("@pulumi/pulumi");
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        providerOf.set(`${args.type}::${args.name}`, args.provider ?? "");
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: () => ({}),
    },
    "vaultpilot",
    "providers",
    false,
  );
  const { createStackResources } = await import("../../program/pulumi/stack.js");
  createStackResources(
    model.tenants,
    readStackSettings("providers", () => undefined),
  );
  await pulumi.runtime.disconnect();
}
const kubernetes = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
const json = (text: unknown) => JSON.parse(text as string) as PolicyDocument;
const PROD_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/AAAA1111BBBB2222CCCC3333DDDD4444";
const BATCH_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EEEE5555FFFF6666AAAA7777BBBB8888";

describe("the kubernetes-delivery concern", () => {
  it("makes one Kubernetes provider per declared cluster, through its kubeconfig context", () => {
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers.map((p) => [p.name, p.inputs.context])).toEqual([
      ["acme/kubernetes/batch", "arn:aws:eks:us-east-1:111111111111:cluster/acme-batch"],
      ["acme/kubernetes/prod", "prod"],
    ]);
    // Every Kubernetes object goes through its cluster's provider (as the engine receives it).
    for (const resource of kubernetes) {
      const cluster = resource.name.split("/")[1]!.replace(/-.*$/, "");
      expect(providerOf.get(`${resource.type}::${resource.name}`), resource.name).toMatch(
        new RegExp(`::acme/kubernetes/${cluster}::`),
      );
    }
    // A tenant without clusters has none.
    expect(kubernetes.some((r) => r.name.startsWith("globex"))).toBe(false);
  });

  it("creates the tenant's namespace on each cluster, labelled with the tenant", () => {
    expect(find("kubernetes:core/v1:Namespace", "acme/prod-namespace").inputs).toMatchObject({
      metadata: { name: "acme", labels: { "vaultpilot.dev/tenant": "acme" } },
    });
    expect(find("kubernetes:core/v1:Namespace", "acme/batch-namespace").inputs).toMatchObject({
      metadata: { name: "acme-batch" },
    });
  });

  it("gives each consuming Kubernetes service a ServiceAccount annotated with its own role, on the clusters its secrets reach", () => {
    const accounts = kubernetes
      .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")
      .map((r) => {
        const metadata = r.inputs.metadata as {
          name: string;
          namespace: string;
          annotations: Record<string, string>;
        };
        return [
          r.name,
          metadata.namespace,
          metadata.name,
          metadata.annotations["eks.amazonaws.com/role-arn"],
        ];
      });
    expect(accounts.sort()).toEqual([
      [
        "acme/batch/api-service-account",
        "acme-batch",
        "api-runner",
        "arn:aws:iam::111111111111:role/vaultpilot.acme.access.api",
      ],
      [
        "acme/batch/jobs-service-account",
        "acme-batch",
        "jobs",
        "arn:aws:iam::111111111111:role/vaultpilot.acme.access.jobs",
      ],
      [
        "acme/prod-store-service-account",
        "acme",
        "vaultpilot-secret-store",
        "arn:aws:iam::111111111111:role/vaultpilot.acme.access.secret-store.prod",
      ],
      [
        "acme/prod/api-service-account",
        "acme",
        "api-runner",
        "arn:aws:iam::111111111111:role/vaultpilot.acme.access.api",
      ],
      [
        "acme/prod/jobs-service-account",
        "acme",
        "jobs",
        "arn:aws:iam::111111111111:role/vaultpilot.acme.access.jobs",
      ],
    ]);
  });

  it("lets a service's IRSA role be assumed only by its ServiceAccount of each cluster, for STS", () => {
    const trust = json(find("aws:iam/role:Role", "acme/api-access-role").inputs.assumeRolePolicy);
    expect(trust.Statement).toEqual([
      {
        Sid: "ServiceAccountOfCluster1",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${PROD_ISSUER}` },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: {
          StringEquals: {
            [`${PROD_ISSUER}:sub`]: "system:serviceaccount:acme:api-runner",
            [`${PROD_ISSUER}:aud`]: "sts.amazonaws.com",
          },
        },
      },
      expect.objectContaining({
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${BATCH_ISSUER}` },
        Condition: {
          StringEquals: {
            [`${BATCH_ISSUER}:sub`]: "system:serviceaccount:acme-batch:api-runner",
            [`${BATCH_ISSUER}:aud`]: "sts.amazonaws.com",
          },
        },
      }),
    ]);
    // The ECS consumer of the same secret keeps its runtime's trust.
    expect(
      json(find("aws:iam/role:Role", "acme/billing-access-role").inputs.assumeRolePolicy)
        .Statement[0]!.Principal,
    ).toEqual({ Service: "ecs-tasks.amazonaws.com" });
  });

  it("gives External Secrets a SecretStore per cluster, whose role reads exactly the secrets it delivers", () => {
    expect(
      find("kubernetes:external-secrets.io/v1:SecretStore", "acme/prod-secret-store").inputs,
    ).toMatchObject({
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "vaultpilot", namespace: "acme" },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: "us-east-1",
            auth: { jwt: { serviceAccountRef: { name: "vaultpilot-secret-store" } } },
          },
        },
      },
    });
    // The CSI-only cluster needs no store.
    expect(run.resources.some((r) => r.name === "acme/batch-secret-store")).toBe(false);
    const read = json(
      find("aws:iam/rolePolicy:RolePolicy", "acme/prod/secret-store-access-policy").inputs.policy,
    );
    expect(read.Statement[0]!.Resource).toEqual([
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/hooks-??????",
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-??????",
    ]);
    const trust = json(
      find("aws:iam/role:Role", "acme/prod/secret-store-access-role").inputs.assumeRolePolicy,
    );
    expect(trust.Statement.map((s) => s.Condition?.StringEquals?.[`${PROD_ISSUER}:sub`])).toEqual([
      "system:serviceaccount:acme:vaultpilot-secret-store",
    ]);
    // Its role may read those secrets through their resource policies and the tenant's key.
    const storeRole = "arn:aws:iam::111111111111:role/vaultpilot.acme.access.secret-store.prod";
    const denyOthers = (name: string) =>
      json(find("aws:secretsmanager/secretPolicy:SecretPolicy", name).inputs.policy).Statement.find(
        (s) => s.Sid === "OnlyConsumersAndRotationRead",
      )!.Condition!.ArnNotEquals!["aws:PrincipalArn"];
    expect(denyOthers("acme/hooks-policy")).toContain(storeRole);
    expect(denyOthers("acme/search-key-policy")).not.toContain(storeRole);
    expect(find("aws:kms/key:Key", "acme-key").inputs.policy).toContain(storeRole);
  });

  it("delivers through ExternalSecrets with the refresh interval, owner creation policy and keys mapped to JSON fields", () => {
    expect(
      find("kubernetes:external-secrets.io/v1:ExternalSecret", "acme/prod/hooks-external-secret")
        .inputs,
    ).toMatchObject({
      metadata: { name: "hooks", namespace: "acme" },
      spec: {
        refreshInterval: "15m",
        secretStoreRef: { name: "vaultpilot", kind: "SecretStore" },
        target: { name: "hooks", creationPolicy: "Owner" },
        data: [
          {
            secretKey: "WEBHOOK_SECRET",
            remoteRef: { key: "vaultpilot/acme/hooks", property: "signingSecret" },
          },
          {
            secretKey: "WEBHOOK_PREVIOUS",
            remoteRef: { key: "vaultpilot/acme/hooks", property: "previousSigningSecret" },
          },
        ],
      },
    });
    const database = find(
      "kubernetes:external-secrets.io/v1:ExternalSecret",
      "acme/prod/orders-db-external-secret",
    ).inputs as {
      spec: { refreshInterval: string; target: { name: string }; data: { secretKey: string }[] };
    };
    expect(database.spec.refreshInterval).toBe("1h");
    expect(database.spec.target.name).toBe("orders-db-credentials");
    expect(database.spec.data.map((d) => d.secretKey)).toEqual([
      "username",
      "password",
      "host",
      "port",
      "dbname",
    ]);
  });

  it("delivers through the CSI driver with JMESPath for a database secret's fields, and secretObjects only when asked", () => {
    const database = find(
      "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
      "acme/batch/orders-db-secret-provider-class",
    ).inputs as {
      metadata: { name: string; namespace: string };
      spec: {
        provider: string;
        parameters: { region: string; objects: string };
        secretObjects: unknown[];
      };
    };
    expect(database.metadata).toMatchObject({ name: "orders-db", namespace: "acme-batch" });
    expect(database.spec.provider).toBe("aws");
    expect(database.spec.parameters.region).toBe("us-east-1");
    expect(database.spec.parameters.objects).toBe(
      [
        "- objectName: vaultpilot/acme/orders-db",
        "  objectType: secretsmanager",
        "  jmesPath:",
        ...["username", "password", "host", "port", "dbname"].flatMap((f) => [
          `    - path: ${f}`,
          `      objectAlias: ${f}`,
        ]),
        "",
      ].join("\n"),
    );
    expect(database.spec.secretObjects).toEqual([
      {
        secretName: "orders-db",
        type: "Opaque",
        data: ["username", "password", "host", "port", "dbname"].map((k) => ({
          objectName: k,
          key: k,
        })),
      },
    ]);
    const key = find(
      "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
      "acme/batch/search-key-secret-provider-class",
    ).inputs as {
      spec: { parameters: { objects: string }; secretObjects?: unknown };
    };
    expect(key.spec.parameters.objects).toBe(
      "- objectName: vaultpilot/acme/search-key\n  objectType: secretsmanager\n  objectAlias: search-key\n",
    );
    expect(key.spec.secretObjects).toBeUndefined();
  });
});
