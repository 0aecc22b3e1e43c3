import { validateText } from "./validate-text.js";

/** A canary a secret value would carry: no manifest, input or state may ever contain it. */
export const VALUE_CANARY = "VALUE-CANARY-7d41c2";

/**
 * A tenant with two EKS clusters: External Secrets delivers a webhook and a database secret to
 * "prod", the CSI driver delivers the database secret to "batch" (with a Kubernetes Secret) and
 * an api key (without). Its Kubernetes services consume them; a second tenant delivers nothing.
 */
export const DELIVERY_POLICIES: Record<string, string> = {
  "schedules.yaml": `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
`,
  "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws: { account: "111111111111", region: us-east-1 }
  kubernetes:
    clusters:
      - name: prod
        eks:
          cluster: acme-prod
          oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/AAAA1111BBBB2222CCCC3333DDDD4444
      - name: batch
        namespace: acme-batch
        context: arn:aws:eks:us-east-1:111111111111:cluster/acme-batch
        eks:
          cluster: acme-batch
          oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/EEEE5555FFFF6666AAAA7777BBBB8888
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: api, tenant: acme }
spec:
  runtime: kubernetes
  kubernetes: { serviceAccount: api-runner }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: jobs, tenant: acme }
spec:
  runtime: kubernetes
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: billing, tenant: acme }
spec:
  runtime: ecs
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: hooks, tenant: acme }
spec:
  type: webhook
  schedule: monthly
  consumers: [api]
  delivery:
    kubernetes:
      - cluster: prod
        keys: { WEBHOOK_SECRET: signingSecret, WEBHOOK_PREVIOUS: previousSigningSecret }
        refreshInterval: 15m
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: orders-db, tenant: acme }
spec:
  type: postgres
  schedule: monthly
  consumers: [api, jobs, billing]
  connection: { host: db.internal, username: orders, strategy: alternating, masterSecret: admin-db }
  delivery:
    kubernetes:
      - cluster: prod
        secretName: orders-db-credentials
      - cluster: batch
        via: csi
        secretName: orders-db
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: admin-db, tenant: acme }
spec:
  type: postgres
  schedule: monthly
  connection: { host: db.internal, username: admin }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: search-key, tenant: acme }
spec:
  type: api-key
  schedule: monthly
  consumers: [jobs]
  delivery:
    kubernetes:
      - cluster: batch
        via: csi
`,
  "globex.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: globex
spec:
  plan: pro
  aws: { account: "222222222222", region: eu-west-1 }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: web, tenant: globex }
spec:
  runtime: kubernetes
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: token, tenant: globex }
spec:
  type: generic
  schedule: monthly
  consumers: [web]
`,
};

/** The model of DELIVERY_POLICIES; throws when they do not validate. */
export function deliveryModel() {
  const result = validateText(DELIVERY_POLICIES);
  if (!result.model)
    throw new Error(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join("\n"));
  return result.model;
}
