import type { PolicyDocument } from "../documents.js";
import { place, report, type PolicyRule } from "./rule.js";

/** Tenants and schedules are named across the installation; secrets and services within a tenant. */
export const duplicateName: PolicyRule = {
  id: "duplicate-name",
  severity: "error",
  description: "A name may be used once per kind (per tenant for Secret and Service).",
  check(policies) {
    const first = new Map<string, PolicyDocument>();
    const diagnostics = [];
    const all: PolicyDocument[] = [
      ...policies.tenants,
      ...policies.schedules,
      ...policies.secrets,
      ...policies.services,
    ];
    for (const document of all) {
      const scope = "tenant" in document ? `tenant "${document.tenant}"` : "the installation";
      const key = `${document.kind}/${"tenant" in document ? document.tenant : ""}/${document.name}`;
      const original = first.get(key);
      if (!original) {
        first.set(key, document);
        continue;
      }
      const diagnostic = report(
        this,
        document,
        ["metadata", "name"],
        `${document.kind} "${document.name}" is defined twice in ${scope}: here and at ` +
          `${place(original, ["metadata", "name"])}; rename or remove one`,
      );
      const at = original.source.at(["metadata", "name"]);
      diagnostics.push({
        ...diagnostic,
        related: [{ file: original.source.file, ...at, message: "first defined here" }],
      });
    }
    return diagnostics;
  },
};
