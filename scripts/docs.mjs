// Writes the README's generated sections (the policy language reference, from schemas/, and
// the rule list, from the engine) between their markers. `--check` fails when they are stale.
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { DOCUMENT_RULES, LOADER_RULES, POLICY_RULES } from "../dist/program/validate.js";

const KINDS = [
  ["Tenant", "tenant"],
  ["RotationSchedule", "rotation-schedule"],
  ["Secret", "secret"],
  ["Service", "service"],
];
const load = (name) => JSON.parse(readFileSync(`schemas/${name}.schema.json`, "utf8"));
const common = load("common");

function resolve(schema) {
  if (!schema?.$ref) return schema;
  const [file, pointer] = schema.$ref.split("#");
  const root = file ? load(file.replace(".schema.json", "")) : common;
  const target = pointer
    .split("/")
    .slice(1)
    .reduce((node, step) => node[step], root);
  return { ...target, ...schema, $ref: undefined };
}

function typeOf(schema) {
  if (schema.enum) return schema.enum.map((v) => `\`${v}\``).join(" \\| ");
  if (schema.const) return `\`${schema.const}\``;
  if (schema.type === "array") return `list of ${typeOf(resolve(schema.items))}`;
  if (schema.type === "object") return "map";
  const extra = [
    schema.pattern && `\`${schema.pattern.replace(/\|/g, "\\|")}\``,
    schema.minimum !== undefined && `≥ ${schema.minimum}`,
    schema.maximum !== undefined && `≤ ${schema.maximum}`,
  ]
    .filter(Boolean)
    .join(", ");
  return extra ? `${schema.type} (${extra})` : (schema.type ?? "any");
}

function rows(schema, prefix) {
  const out = [];
  const required = new Set(schema.required ?? []);
  for (const [key, raw] of Object.entries(schema.properties ?? {})) {
    const property = resolve(raw);
    const path = prefix ? `${prefix}.${key}` : key;
    const description = (property.description ?? "").replace(/\|/g, "\\|");
    out.push(
      `| \`${path}\` | ${required.has(key) ? "yes" : "no"} | ${typeOf(property)} | ${description} |`,
    );
    const nested = property.type === "array" ? resolve(property.items) : property;
    if (nested?.type === "object" && nested.properties)
      out.push(...rows(nested, property.type === "array" ? `${path}[]` : path));
  }
  return out;
}

function policyReference() {
  return KINDS.map(([kind, file]) => {
    const schema = load(file);
    return [
      `#### ${kind}`,
      "",
      `${schema.description} Schema: [\`schemas/${file}.schema.json\`](schemas/${file}.schema.json).`,
      "",
      "| field | required | type | meaning |",
      "| --- | --- | --- | --- |",
      ...rows(schema, ""),
    ].join("\n");
  }).join("\n\n");
}

function ruleList() {
  const line = (stage) => (rule) =>
    `| \`${rule.id}\` | ${rule.severity} | ${stage} | ${rule.description} |`;
  return [
    "| rule | severity | checked on | what it requires |",
    "| --- | --- | --- | --- |",
    ...LOADER_RULES.map(line("each file")),
    ...DOCUMENT_RULES.map(line("each document")),
    ...POLICY_RULES.map(line("all documents")),
  ].join("\n");
}

const sections = { "policy-reference": policyReference(), rules: ruleList() };
const readme = readFileSync("README.md", "utf8");
let updated = readme;
for (const [name, body] of Object.entries(sections)) {
  const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
  if (!pattern.test(updated))
    throw new Error(`README.md has no <!-- generated:${name} --> section`);
  updated = updated.replace(pattern, (_, start, end) => `${start}\n\n${body}\n\n${end}`);
}
// Formatted as `prettier --check` expects, so the check and the formatter agree.
updated = await prettier.format(updated, {
  ...(await prettier.resolveConfig("README.md")),
  parser: "markdown",
});
if (process.argv.includes("--check")) {
  if (updated !== readme) {
    console.error(
      "README.md's generated sections are stale: run `npm run docs` and commit the result",
    );
    process.exitCode = 1;
  }
} else if (updated !== readme) {
  writeFileSync("README.md", updated);
  console.log("README.md updated");
}
