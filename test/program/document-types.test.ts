import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { API_VERSION, NAME_PATTERN } from "../../program/documents.js";

// The model trusts a document's shape once its schema accepted it (build-model casts it to the
// TypeScript types in program/documents.ts): this test holds those types to schemas/, field by
// field, so neither can change without the other.

const root = join(import.meta.dirname, "..", "..");
type Schema = {
  $ref?: string;
  type?: string;
  enum?: readonly unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
};
const schemaFile = (file: string) =>
  JSON.parse(readFileSync(join(root, "schemas", file), "utf8")) as Schema & {
    $defs?: Record<string, Schema>;
  };

/** The schema a `$ref` points at, and the file it is in (a nested `$ref` is relative to that file). */
function resolve(schema: Schema, file: string): [Schema, string] {
  if (!schema.$ref) return [schema, file];
  const [target, pointer] = schema.$ref.split("#");
  const document = schemaFile(target || file);
  const found = pointer!
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document) as Schema;
  return resolve({ ...found, ...schema, $ref: undefined }, target || file);
}

const program = ts.createProgram([join(root, "program", "documents.ts")], {
  strict: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
const source = program.getSourceFile(join(root, "program", "documents.ts"))!;

function exported(name: string): ts.Type {
  const symbol = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source)!)
    .find((s) => s.name === name);
  if (!symbol) throw new Error(`program/documents.ts exports no ${name}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

/** Differences between a TypeScript type and a JSON Schema, as "path: what differs". */
function differences(type: ts.Type, raw: Schema, file: string, path: string): string[] {
  const [schema, schemaFileName] = resolve(raw, file);
  file = schemaFileName;
  type = checker.getNonNullableType(type);
  if (schema.enum || schema.const !== undefined) {
    const values = (schema.enum ?? [schema.const]).map(String).sort();
    const literals = (type.isUnion() ? type.types : [type])
      .map((t) => (t.isStringLiteral() ? t.value : `<${checker.typeToString(t)}>`))
      .sort();
    return JSON.stringify(values) === JSON.stringify(literals)
      ? []
      : [`${path}: schema allows ${values.join("|")}, the type ${literals.join("|")}`];
  }
  if (schema.properties) {
    const found: string[] = [];
    const props = new Map(checker.getPropertiesOfType(type).map((p) => [p.name, p]));
    const names = new Set([...props.keys(), ...Object.keys(schema.properties)]);
    for (const name of [...names].sort()) {
      const prop = props.get(name);
      const sub = schema.properties[name];
      if (!prop || !sub) {
        found.push(`${path}.${name}: only in the ${prop ? "type" : "schema"}`);
        continue;
      }
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      const required = schema.required?.includes(name) ?? false;
      if (optional === required)
        found.push(
          `${path}.${name}: ${required ? "required" : "optional"} in the schema, not in the type`,
        );
      found.push(
        ...differences(
          checker.getTypeOfSymbolAtLocation(prop, source),
          sub,
          file,
          `${path}.${name}`,
        ),
      );
    }
    return found;
  }
  if (schema.type === "array") {
    const [item] = checker.isArrayType(type)
      ? checker.getTypeArguments(type as ts.TypeReference)
      : [];
    if (!item)
      return [`${path}: an array in the schema, ${checker.typeToString(type)} in the type`];
    return differences(item, schema.items ?? {}, file, `${path}[]`);
  }
  if (schema.type === "object" && typeof schema.additionalProperties === "object") {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (!index) return [`${path}: a map in the schema, ${checker.typeToString(type)} in the type`];
    return differences(index.type, schema.additionalProperties, file, `${path}{}`);
  }
  const flags = type.flags;
  const ok =
    schema.type === "string"
      ? (flags & ts.TypeFlags.String) !== 0
      : schema.type === "integer" || schema.type === "number"
        ? (flags & ts.TypeFlags.Number) !== 0
        : schema.type === "boolean"
          ? (flags & ts.TypeFlags.BooleanLike) !== 0 ||
            (type.isUnion() &&
              type.types.every((t) => (t.flags & ts.TypeFlags.BooleanLiteral) !== 0))
          : true;
  return ok
    ? []
    : [`${path}: ${schema.type} in the schema, ${checker.typeToString(type)} in the type`];
}

describe("program/documents.ts against schemas/", () => {
  it.each([
    ["TenantSpec", "tenant.schema.json"],
    ["RotationScheduleSpec", "rotation-schedule.schema.json"],
    ["SecretSpec", "secret.schema.json"],
    ["ServiceSpec", "service.schema.json"],
  ])("%s has exactly the fields, optionality and values of %s's spec", (name, file) => {
    const spec = schemaFile(file).properties!.spec!;
    expect(differences(exported(name), spec, file, "spec")).toEqual([]);
  });

  it("takes the apiVersion and the name pattern from schemas/common.schema.json", () => {
    const common = schemaFile("common.schema.json").$defs!;
    expect(API_VERSION).toBe(common.apiVersion!.const);
    expect(NAME_PATTERN.source).toBe((common.name as { pattern: string }).pattern);
  });

  it("finds a difference when a type and its schema disagree", () => {
    const loose: Schema = {
      type: "object",
      properties: { plan: { enum: ["free"] } },
      required: [],
    };
    expect(differences(exported("TenantSpec"), loose, "tenant.schema.json", "spec")).toEqual([
      "spec.aws: only in the type",
      "spec.azure: only in the type",
      "spec.backup: only in the type",
      "spec.compliance: only in the type",
      "spec.disasterRecovery: only in the type",
      "spec.entryPoints: only in the type",
      "spec.kubernetes: only in the type",
      "spec.logRetention: only in the type",
      "spec.notifications: only in the type",
      "spec.plan: optional in the schema, not in the type",
      "spec.plan: schema allows free, the type business|enterprise|free|pro",
      "spec.store: only in the type",
    ]);
  });
});
