// npm run seed:moto [-- <policy dir>]: creates in a running moto server (AWS_ENDPOINT_URL) what the
// Pulumi program deploys for the policies, from `vaultpilot plan --format json`, each secret
// rotated once, so that `vaultpilot drift` has a live state to check. For trying drift by hand.
import { importTypeScript } from "./import-typescript.mjs";

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  console.error("seed-moto: set AWS_ENDPOINT_URL to the moto server (e.g. http://127.0.0.1:5000)");
  process.exit(1);
}
const dir = process.argv[2] ?? "policies";
const lib = await importTypeScript(
  "seed-moto",
  `
      export { run } from "./actions/cli.ts";
      export { validatePolicies } from "./program/validate.ts";
      export { seedFromPlan } from "./test/drift/seed-from-plan.ts";
    `,
);

let planJson = "";
const code = await lib.run(["plan", dir, "--format", "json"], {
  stdout: (text) => (planJson += text),
  stderr: (text) => process.stderr.write(text),
  isTTY: false,
  cwd: process.cwd(),
  env: process.env,
});
if (code !== 0) process.exit(1);
// Without Docker, moto's Lambda stores functions and never runs them (see DESIGN.md).
await fetch(`${endpoint}/moto-api/config`, {
  method: "POST",
  body: JSON.stringify({ lambda: { use_docker: false } }),
  headers: { "content-type": "application/json" },
});
const { resources } = JSON.parse(planJson);
const seeded = await lib.seedFromPlan(endpoint, resources, lib.validatePolicies(dir).model, {
  value: process.env.SEED_VALUE ?? "seeded-by-vaultpilot",
});
seeded.destroy();
const accounts = new Set([...seeded.secrets.values()].map((s) => `${s.account}/${s.region}`));
console.log(
  `seeded ${seeded.secrets.size} secrets and ${seeded.keys.size} tenant keys in ${accounts.size} accounts at ${endpoint}`,
);
