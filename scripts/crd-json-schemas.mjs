// Converts CustomResourceDefinitions into the JSON Schemas kubeconform reads offline, named as
// its -schema-location template `{{.ResourceKind}}{{.KindSuffix}}.json` looks them up
// (`<kind>-<first label of the group>-<version>.json`, lower case). It does what kubeconform's
// own openapi2jsonschema.py does (Python): each served version's openAPIV3Schema, every object
// with `properties` closed with `additionalProperties: false` (kubectl's validation), and
// `format: int-or-string` turned into string-or-integer.
//
//   node scripts/crd-json-schemas.mjs <out-dir> <crd.yaml|json>...
//   node scripts/crd-json-schemas.mjs --trim <version> <crd.yaml> <out.json>
//
// --trim keeps one version and drops `description` texts (which do not validate anything): how
// test/fixtures/crds/ keeps a pinned CRD of megabytes small (see its SOURCES.md).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** The CRDs in a YAML (or JSON) file. */
export function readCrds(file) {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter((d) => d?.kind === "CustomResourceDefinition");
}

function closeObjects(node) {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== "object") return node;
  if (node.format === "int-or-string") {
    const rest = Object.fromEntries(
      Object.entries(node).filter(([k]) => k !== "format" && k !== "type"),
    );
    return { ...rest, oneOf: [{ type: "string" }, { type: "integer" }] };
  }
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)]));
  if (out.properties && typeof out.properties === "object" && !("additionalProperties" in node))
    out.additionalProperties = false;
  return out;
}

/** `{file name: JSON Schema}` for each served version of a CRD. */
export function crdJsonSchemas(crd) {
  const group = crd.spec.group.split(".")[0];
  const kind = crd.spec.names.kind.toLowerCase();
  const schemas = {};
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const schema = version.schema?.openAPIV3Schema;
    if (!schema) continue;
    schemas[`${kind}-${group}-${version.name}.json`] = {
      $schema: "http://json-schema.org/draft-07/schema#",
      ...closeObjects(schema),
    };
  }
  return schemas;
}

/** One version of a CRD without description texts. */
export function trimCrd(crd, version) {
  const strip = (node) =>
    Array.isArray(node)
      ? node.map(strip)
      : node && typeof node === "object"
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([k, v]) => !(k === "description" && typeof v === "string"))
              .map(([k, v]) => [k, strip(v)]),
          )
        : node;
  const versions = crd.spec.versions.filter((v) => v.name === version);
  if (versions.length !== 1) throw new Error(`${crd.metadata.name} has no version ${version}`);
  return strip({ ...crd, spec: { ...crd.spec, versions } });
}

export function writeJsonSchemas(outDir, files) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const file of files)
    for (const crd of readCrds(file))
      for (const [name, schema] of Object.entries(crdJsonSchemas(crd))) {
        writeFileSync(join(outDir, name), JSON.stringify(schema, null, 1));
        written.push(name);
      }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === "--trim") {
    const [version, input, output] = rest;
    const [crd] = readCrds(input);
    writeFileSync(output, JSON.stringify(trimCrd(crd, version)) + "\n");
  } else if (first && rest.length > 0) {
    for (const name of writeJsonSchemas(first, rest)) console.log(name);
  } else {
    console.error(
      "usage: crd-json-schemas.mjs <out-dir> <crd>... | --trim <version> <crd> <out.json>",
    );
    process.exit(2);
  }
}
