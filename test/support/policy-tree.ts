import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Writes `files` (relative path → content) under a new temporary directory. */
export function policyTree(files: Record<string, string | Buffer>): {
  dir: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-"));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small valid policy set: one tenant, one schedule, one secret, one service. */
export const VALID_POLICIES = {
  "schedules.yaml": `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
`,
  "tenants/acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  compliance: [pci-dss]
  aws:
    account: "123456789012"
    region: us-east-1
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme
spec:
  type: postgres
  schedule: monthly
  consumers: [orders-api]
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: orders-api
  tenant: acme
spec:
  runtime: ecs
`,
};
