import type { ValuePath } from "../load/document-source.js";
import { report, type DocumentRule } from "./rule.js";

/** The fields that hold a secret's whereabouts, never the secret: `url`, `signingKey`. */
const SECRET_FIELDS = new Set(["url", "signingKey"]);
const LOOKS_LIKE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A webhook URL or a signing key written into a Tenant's spec.notifications. It runs before the
 * schema so that the value is reported as a leaked secret (and the document goes no further),
 * and no message, here or from the schema, ever repeats it.
 */
export const notificationSecretValue: DocumentRule = {
  id: "notification-secret-value",
  severity: "error",
  description:
    "A notification route names where its webhook URL and signing key are kept (secretsManager or stackConfig), never the value itself.",
  check(document) {
    const value = document.value as { kind?: unknown; spec?: { notifications?: unknown } };
    if (value?.kind !== "Tenant" || typeof value.spec !== "object" || value.spec === null)
      return [];
    const found = [];
    for (const [path, text] of strings(value.spec.notifications, ["spec", "notifications"])) {
      const field = path.at(-1);
      const pasted = typeof field === "string" && SECRET_FIELDS.has(field);
      if (!pasted && !LOOKS_LIKE_URL.test(text.trim())) continue;
      const what = LOOKS_LIKE_URL.test(text.trim()) ? "a URL" : "a value";
      const name = pasted ? field : "this field";
      found.push(
        report(
          this,
          document,
          path,
          `${path.join(".")} holds ${what} written into the policy (not repeated here); webhook URLs and signing keys are secrets: ` +
            `remove it from git history, store it in Secrets Manager or as a stack secret (pulumi config set --secret), and write ` +
            `${name === "this field" ? "the route's url" : name}: { secretsManager: <secret name> } or { stackConfig: <key> }`,
        ),
      );
    }
    return found;
  },
};

/** Every string under `node`, with its path. */
function* strings(node: unknown, path: ValuePath): Generator<[ValuePath, string]> {
  if (typeof node === "string") yield [path, node];
  else if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* strings(item, [...path, i]);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, item] of Object.entries(node)) yield* strings(item, [...path, key]);
  }
}
