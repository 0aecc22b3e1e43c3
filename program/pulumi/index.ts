// The Pulumi program (Pulumi.yaml's main, bundled to dist/pulumi/index.js): reads the stack's
// settings and the policies, selects the stack's tenants and creates their components. It holds no
// resource logic: that lives in components/ and in the concerns (program/pulumi/concerns/).
import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import { validatePolicies } from "../validate.js";
import { createAuditArchive } from "./audit-archive.js";
import { readAuditSettings } from "./audit-settings.js";
import { readStackSettings, selectTenants, type ConfigLookup } from "./settings.js";
import { RotationAlarms } from "../../components/aws/rotation-alarms.js";
import { componentsOf, createStackResources } from "./stack.js";

const all = pulumi.runtime.allConfig();
const lookup: ConfigLookup = (key) => {
  const raw = all[key];
  if (raw === undefined) return undefined;
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { value, secret: false };
};
const settings = readStackSettings(pulumi.getStack(), lookup, Object.keys(all));
const validation = validatePolicies(resolve(settings.policyDir));
// A wrong path must not read as "no tenants": `pulumi up` would then delete every resource.
if (validation.files.length === 0) {
  throw new pulumi.RunError(
    `the policy directory ${settings.policyDir} holds no policy files (*.yaml or *.yml); check vaultpilot:policyDir`,
  );
}
if (!validation.model) {
  const first = validation.diagnostics.find((d) => d.severity === "error");
  throw new pulumi.RunError(
    `the policies in ${settings.policyDir} do not validate` +
      (first ? `: ${first.file}:${first.line}:${first.column} ${first.message}` : "") +
      " (run `vaultpilot validate` for every diagnostic)",
  );
}
const tenants = selectTenants(validation.model, settings.tenants);
const webhook = new pulumi.Config("vaultpilot").getSecret("alarmWebhookUrl");
const resources = createStackResources(tenants, settings, {
  ...(webhook !== undefined && { alarmWebhookUrl: webhook }),
});
export const tenantKeys = Object.fromEntries(resources.map((r) => [r.tenant, r.key.keyArn]));
export const alarmTopics = Object.fromEntries(
  resources.flatMap((r) => componentsOf(r, RotationAlarms).map((a) => [r.tenant, a.topicArn])),
);

// The audit archive is the stack's, not a tenant's: made once, with the stack's default provider.
const archive = createAuditArchive(
  pulumi.getStack(),
  settings.region,
  readAuditSettings(pulumi.getStack(), lookup),
);
export const auditArchiveBucket = archive?.bucketName;
export const auditSigningKeyArn = archive?.signingKeyArn;
