// Writes a synthetic policy repository: `tenants` tenants × `secrets` secrets × `services` services.
// With `tenthSchedule`, a fourth schedule "tenth" (60d) is used by secret-0 of every tenth tenant.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const header = (kind) => `# yaml-language-server: $schema=../../../schemas/${kind}.schema.json\n`;

export function generatePolicies(root, { tenants, secrets, services, tenthSchedule = false }) {
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, "schedules.yaml"),
    ["weekly:7d", "monthly:30d", "quarterly:90d", ...(tenthSchedule ? ["tenth:60d"] : [])]
      .map((s) => {
        const [name, every] = s.split(":");
        return `apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata:\n  name: ${name}\nspec:\n  every: ${every}\n  window:\n    start: "02:00"\n    duration: 2h\n`;
      })
      .join("---\n"),
  );
  const types = ["postgres", "mysql", "api-key", "webhook", "aws-iam-key", "generic"];
  const runtimes = ["ecs", "lambda", "kubernetes", "ec2"];
  let bytes = 0;
  let documents = tenthSchedule ? 4 : 3;
  for (let t = 0; t < tenants; t++) {
    const tenant = `tenant-${String(t).padStart(4, "0")}`;
    const dir = join(root, "tenants", tenant);
    mkdirSync(dir, { recursive: true });
    const files = {
      "tenant.yaml":
        header("tenant") +
        `apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: ${tenant}\nspec:\n  plan: ${secrets > 25 ? "business" : "pro"}\n  compliance: [soc2]\n  aws:\n    account: "${String(100000000000 + t)}"\n    region: us-east-1\n`,
      "services.yaml":
        header("service") +
        Array.from(
          { length: services },
          (_, s) =>
            `apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: service-${s}\n  tenant: ${tenant}\nspec:\n  runtime: ${runtimes[s % runtimes.length]}\n`,
        ).join("---\n"),
      "secrets.yaml":
        header("secret") +
        Array.from(
          { length: secrets },
          (_, s) =>
            `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: secret-${s}\n  tenant: ${tenant}\nspec:\n  type: ${types[s % types.length]}\n  schedule: ${tenthSchedule && s === 0 && t % 10 === 0 ? "tenth" : s % 2 ? "monthly" : "quarterly"}\n  consumers: [service-${s % services}, service-${(s + 1) % services}]\n`,
        ).join("---\n"),
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      bytes += Buffer.byteLength(text);
    }
    documents += 1 + secrets + services;
  }
  return { documents, bytes };
}
