import { afterEach, describe, expect, it } from "vitest";
import { POLICY_RULES, validatePolicies } from "../../program/validate.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

const HEADER = `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
---
apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  compliance: [pci-dss]
  aws: { account: "123456789012", region: us-east-1 }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: orders-api
  tenant: acme
spec:
  runtime: ecs
`;

function secret(name: string, type: string, extra: string): string {
  return `---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: ${name}
  tenant: acme
spec:
  type: ${type}
  schedule: monthly
  consumers: [orders-api]
${extra}`;
}

let trees: { remove(): void }[] = [];
afterEach(() => {
  for (const tree of trees) tree.remove();
  trees = [];
});

function check(yaml: string) {
  const tree = policyTree({ "all.yaml": HEADER + yaml });
  trees.push(tree);
  return validatePolicies(tree.dir);
}

function findings(yaml: string, rule: string) {
  return check(yaml)
    .diagnostics.filter((d) => d.rule === rule)
    .map((d) => `${d.line}:${d.column} ${d.message}`);
}

describe("rotation rules registration", () => {
  it("registers the rotation rules with their severities", () => {
    const ids = POLICY_RULES.map((rule) => `${rule.id}:${rule.severity}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        "connection-details:error",
        "master-secret:error",
        "password-policy:error",
        "reload-runtime:error",
        "kubernetes-cluster:warning",
      ]),
    );
  });

  it("keeps the small valid policy set clean", () => {
    const tree = policyTree(VALID_POLICIES);
    trees.push(tree);
    expect(validatePolicies(tree.dir).diagnostics).toEqual([]);
  });
});

describe("connection-details", () => {
  it("rejects a connection on a secret that is not a database", () => {
    const found = findings(
      secret("token", "api-key", "  connection: { host: db, username: app }\n"),
      "connection-details",
    );
    expect(found).toEqual([
      '34:3 secret "token" is of type "api-key", which has no database connection; remove spec.connection or change spec.type to postgres or mysql',
    ]);
  });

  it("rejects a mysql user name that is too long once _clone is appended", () => {
    const found = findings(
      secret(
        "app-db",
        "mysql",
        "  connection: { host: db, username: a_rather_long_user_name_xyz, strategy: alternating, masterSecret: admin }\n",
      ) + secret("admin", "mysql", "  connection: { host: db, username: root }\n"),
      "connection-details",
    );
    expect(found).toEqual([
      '34:37 user name "a_rather_long_user_name_xyz_clone" has 33 characters; mysql allows at most 32 (including "_clone"); choose a shorter spec.connection.username',
    ]);
  });

  it("accepts database connections within the limits", () => {
    const found = findings(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db.internal, username: orders_app, tls: true }\n",
      ),
      "connection-details",
    );
    expect(found).toEqual([]);
  });
});

describe("master-secret", () => {
  it("requires a master secret for the alternating strategy", () => {
    const found = findings(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db, username: app, strategy: alternating }\n",
      ),
      "master-secret",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('uses strategy "alternating"');
  });

  it("rejects a master secret that is missing, of another type or the secret itself", () => {
    const missing = findings(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db, username: app, masterSecret: admn }\n",
      ) + secret("admin", "postgres", ""),
      "master-secret",
    );
    expect(missing).toEqual([
      expect.stringContaining(
        'master secret "admn" is not a Secret of tenant "acme"; did you mean "admin"?',
      ),
    ]);
    const otherType = findings(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db, username: app, masterSecret: admin }\n",
      ) + secret("admin", "mysql", ""),
      "master-secret",
    );
    expect(otherType).toEqual([expect.stringContaining('is of type "mysql"')]);
    const itself = findings(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db, username: app, masterSecret: app-db }\n",
      ),
      "master-secret",
    );
    expect(itself).toEqual([expect.stringContaining("names itself")]);
  });

  it("accepts an alternating secret with a master of the same tenant and type", () => {
    const result = check(
      secret(
        "app-db",
        "postgres",
        "  connection: { host: db, username: app, strategy: alternating, masterSecret: admin }\n",
      ) + secret("admin", "postgres", "  connection: { host: db, username: postgres }\n"),
    );
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const db = result.model!.tenants[0]!.secrets.find((s) => s.name === "app-db")!;
    expect(db.connection?.masterSecret?.name).toBe("admin");
    expect(db.connection).toMatchObject({
      port: 5432,
      database: "postgres",
      strategy: "alternating",
      tls: false,
    });
  });
});

describe("password-policy", () => {
  it("rejects a password policy on an aws-iam-key secret", () => {
    const found = findings(
      secret("key", "aws-iam-key", "  password: { length: 20 }\n"),
      "password-policy",
    );
    expect(found).toEqual([
      '34:3 secret "key" is an aws-iam-key, whose keys AWS generates; remove spec.password',
    ]);
  });

  it("rejects passwords shorter than 12 characters under pci-dss and accepts 12", () => {
    expect(
      findings(secret("tok", "api-key", "  password: { length: 10 }\n"), "password-policy"),
    ).toEqual([
      '34:23 password length 10 is too short; tenant "acme" is under pci-dss, which requires at least 12 characters',
    ]);
    expect(
      findings(secret("tok", "api-key", "  password: { length: 12 }\n"), "password-policy"),
    ).toEqual([]);
  });
});

describe("reload-runtime", () => {
  it("rejects a reload block for another runtime", () => {
    const yaml = `---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: worker
  tenant: acme
spec:
  runtime: ecs
  reload:
    lambda: { function: worker }
`;
    expect(findings(yaml, "reload-runtime")).toEqual([
      '33:5 service "worker" runs on ecs but its reload block is "lambda"; use spec.reload.ecs, or change spec.runtime to lambda',
    ]);
  });

  it("accepts the matching block and puts it in the model", () => {
    const yaml = `---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: worker
  tenant: acme
spec:
  runtime: kubernetes
  reload:
    kubernetes: { namespace: jobs, deployment: worker }
`;
    const result = check(yaml);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const worker = result.model!.tenants[0]!.services.find((s) => s.name === "worker")!;
    expect(worker.reload).toEqual({
      runtime: "kubernetes",
      kubernetes: { namespace: "jobs", deployment: "worker" },
    });
  });

  it("rejects two reload blocks through the schema", () => {
    const yaml = `---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: worker
  tenant: acme
spec:
  runtime: ecs
  reload:
    ecs: { cluster: c, service: s }
    lambda: { function: f }
`;
    expect(check(yaml).diagnostics.map((d) => d.rule)).toContain("schema");
  });
});

describe("kubernetes-cluster", () => {
  const service = (reload: string) => `---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: worker
  tenant: acme
spec:
  runtime: kubernetes
  reload:
    kubernetes: ${reload}
`;

  it("warns about a Kubernetes reload that names no cluster, at its key", () => {
    expect(
      findings(service("{ namespace: jobs, deployment: worker }"), "kubernetes-cluster"),
    ).toEqual([
      '33:5 service "worker" names no EKS cluster, so the rotation Lambda cannot restart it and ' +
        "scheduled rotations of its secrets will roll back; add spec.reload.kubernetes.cluster " +
        "(only `vaultpilot rotate`, with your kubeconfig, can reload it now)",
    ]);
    expect(check(service("{ namespace: jobs, deployment: worker }")).model).toBeDefined();
  });

  it("accepts one that names its cluster", () => {
    expect(
      findings(
        service("{ cluster: jobs-prod, namespace: jobs, deployment: worker }"),
        "kubernetes-cluster",
      ),
    ).toEqual([]);
  });
});
