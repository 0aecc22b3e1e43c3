import { afterAll, describe, expect, it } from "vitest";
import { runProgram, TENANTS_PER_RUN } from "../../actions/plan/program-run.js";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { createStackResources } from "../../program/pulumi/stack.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { policyTree } from "../support/policy-tree.js";

/** More tenants than one run of the program takes, each with a secret and its consumer. */
function manyTenants(count: number): Record<string, string> {
  const files: Record<string, string> = {
    "schedules.yaml":
      "apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: monthly\nspec:\n  every: 30d\n",
  };
  for (let i = 0; i < count; i++) {
    const tenant = `tenant-${String(i).padStart(3, "0")}`;
    files[`${tenant}.yaml`] = [
      `apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: ${tenant}\nspec:\n  plan: free\n  aws: { account: "${String(100000000000 + i)}", region: us-east-1 }\n`,
      `apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: orders-api\n  tenant: ${tenant}\nspec:\n  runtime: ecs\n`,
      `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: orders-db\n  tenant: ${tenant}\nspec:\n  type: postgres\n  schedule: monthly\n  consumers: [orders-api]\n`,
    ].join("---\n");
  }
  return files;
}

describe("runProgram on a stack larger than one run", () => {
  const tree = policyTree(manyTenants(TENANTS_PER_RUN + 3));
  afterAll(() => tree.remove());

  it(
    "gives exactly the resources of one run over every tenant, in URN order",
    { timeout: 180_000 },
    async () => {
      const result = validatePolicies(tree.dir);
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const model = result.model!;
      const settings = readStackSettings("slices", () => undefined);

      const sliced = await runProgram(model, settings);
      const whole = await runUnderMocks("slices", (opts) =>
        createStackResources(model.tenants, settings, {}, opts),
      );

      expect(model.tenants).toHaveLength(TENANTS_PER_RUN + 3);
      expect(sliced.resources.map((r) => r.urn)).toEqual(whole.map((r) => r.urn));
      expect(sliced.resources).toEqual(whole);
    },
  );
});
