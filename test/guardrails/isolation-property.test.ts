import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import { deployExternalId } from "../../cloud/aws/deploy-role.js";
import { driftExternalId } from "../../cloud/aws/drift-reader-policy.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { policyDocuments } from "../support/policy-documents.js";
import { policyTree } from "../support/policy-tree.js";

/**
 * With random tenants, services and secrets, the program under mocks writes no policy document
 * for tenant A that names tenant B: its account, its resources' names, its roles, its ExternalIds.
 * Documents are found by walking every recorded input, so policies other concerns add are checked
 * too; both guardrail modes.
 */

// Tenant names are "t" and a digit, service and secret names start with "s", so a tenant's name
// never coincides with another name or a word of a policy (true, tenant) as a whole token.
const tenantName = fc.stringMatching(/^t[0-9][a-z0-9]{1,6}(-[a-z0-9]{1,4})?$/);
const name = fc.stringMatching(/^s[a-z0-9]{1,6}[a-z0-9]$/);
const TYPES = ["postgres", "mysql", "api-key", "webhook", "aws-iam-key", "generic"] as const;
const RUNTIMES = ["ecs", "lambda", "kubernetes", "ec2"] as const;

const tenantArb = fc.record({
  region: fc.constantFrom("us-east-1", "eu-west-1", "ap-south-1"),
  services: fc.uniqueArray(fc.record({ name, runtime: fc.constantFrom(...RUNTIMES) }), {
    selector: (s) => s.name,
    minLength: 1,
    maxLength: 3,
  }),
  secrets: fc.uniqueArray(
    fc.record({
      name,
      type: fc.constantFrom(...TYPES),
      consumers: fc.array(fc.nat(2), { maxLength: 2 }),
    }),
    { selector: (s) => s.name, minLength: 1, maxLength: 3 },
  ),
});
const stackArb = fc.record({
  tenants: fc.uniqueArray(fc.tuple(tenantName, tenantArb), {
    selector: ([n]) => n,
    minLength: 2,
    maxLength: 3,
  }),
  organization: fc.boolean(),
});

type RandomTenant = typeof tenantArb extends fc.Arbitrary<infer T> ? T : never;

function policyFiles(tenants: [string, RandomTenant][]) {
  const files: Record<string, string> = {
    "schedules.yaml":
      "apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: monthly\nspec:\n  every: 30d\n",
  };
  tenants.forEach(([tenant, t], i) => {
    const account = String(100000000000 + (i + 1) * 7919);
    const docs = [
      `apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: ${tenant}\nspec:\n  plan: enterprise\n  aws: { account: "${account}", region: ${t.region} }\n`,
      ...t.services.map(
        (s) =>
          `apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: ${s.name}\n  tenant: ${tenant}\nspec:\n  runtime: ${s.runtime}\n`,
      ),
      ...t.secrets.map((s) => {
        const consumers = [
          ...new Set(s.consumers.map((c) => t.services[c % t.services.length]!.name)),
        ];
        return `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: ${s.name}\n  tenant: ${tenant}\nspec:\n  type: ${s.type}\n  schedule: monthly\n  consumers: [${consumers.join(", ")}]\n`;
      }),
    ];
    files[`tenants/${tenant}.yaml`] = docs.join("---\n");
  });
  return files;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** `text` as a whole token: not inside a longer name or number. */
const token = (text: string) => new RegExp(`(?<![A-Za-z0-9-])${escape(text)}(?![A-Za-z0-9])`);

describe("tenant isolation of every policy document", () => {
  it("no document of tenant A names tenant B's account, names, roles or ExternalIds", async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, async ({ tenants, organization }) => {
        const tree = policyTree(policyFiles(tenants));
        try {
          const validation = validatePolicies(tree.dir);
          const errors = validation.diagnostics.filter((d) => d.severity === "error");
          expect(errors.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
          const model = validation.model!;
          const values: Record<string, string> = {
            "vaultpilot:driftCiRoleArn": "arn:aws:iam::999999999999:role/vaultpilot-ci-drift",
            ...(organization && {
              "vaultpilot:organizationRoleArn": "arn:aws:iam::888888888888:role/vaultpilot-org",
            }),
          };
          const settings = readStackSettings("isolation", (key) =>
            key in values ? { value: values[key], secret: false } : undefined,
          );
          const run = await runProgram(model, settings);
          const documents = policyDocuments(run.resources);
          for (const tenant of model.tenants) {
            const mine = documents.filter((d) => d.tenant === tenant.name);
            expect(mine.length).toBeGreaterThan(0);
            for (const other of model.tenants.filter((t) => t !== tenant)) {
              const forbidden = [
                token(other.aws.account),
                token(other.name),
                new RegExp(escape(deployExternalId(other.name, "default"))),
                new RegExp(escape(driftExternalId(other.name, "default"))),
              ];
              for (const d of mine) {
                const text = JSON.stringify(d.document);
                for (const pattern of forbidden) {
                  expect(text, `${d.where} ${d.path} names ${other.name}: ${pattern}`).not.toMatch(
                    pattern,
                  );
                }
              }
            }
          }
        } finally {
          tree.remove();
        }
      }),
      { numRuns: 12, interruptAfterTimeLimit: 400_000 },
    );
  }, 600_000);
});
