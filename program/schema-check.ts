import type { ErrorObject, ValidateFunction } from "ajv";
import * as validators from "./generated/schema-validators.js";
import type { Diagnostic, Position } from "./diagnostics.js";
import type { Kind } from "./documents.js";
import type { LoadedDocument } from "./load/load-policies.js";
import { oddCharacter, showVisibly } from "./load/characters.js";
import type { DocumentSource, ValuePath } from "./load/document-source.js";
import { closest } from "./did-you-mean.js";

/**
 * One validator per kind, compiled from schemas/ at build time (ajv standalone code,
 * scripts/compile-schemas.mjs): no schema is compiled at run time.
 */
const VALIDATORS: Readonly<Record<Kind, ValidateFunction>> = validators;

/** Checks a document of a known kind against its schema; each error at the offending key or value. */
export function checkSchema(kind: Kind, document: LoadedDocument): Diagnostic[] {
  return schemaErrors(VALIDATORS[kind], document, "schema");
}

/**
 * A compiled schema's errors on one loaded document as diagnostics of `rule`, each at the offending
 * key or value, with the same messages for every schema (the policy kinds, the config file).
 */
export function schemaErrors(
  validate: ValidateFunction,
  document: LoadedDocument,
  rule: string,
): Diagnostic[] {
  if (validate(document.value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    const { path, part, message } = describe(error);
    const key = `${path.join("/")}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const typed = asTyped(error, document.source, path, part) ?? {
      at: document.source.at(path, part),
      message,
    };
    diagnostics.push({
      file: document.source.file,
      line: typed.at.line,
      column: typed.at.column,
      severity: "error",
      rule,
      message: typed.message,
    });
  }
  return diagnostics;
}

interface Described {
  readonly path: ValuePath;
  readonly part: "key" | "value";
  readonly message: string;
}

/**
 * Keys where an author may paste a credential instead of saying where it is kept (a vault store's
 * `secretId` or `token`, a notification route's `url` or `signingKey`, a client secret): messages
 * about them never repeat the value.
 */
const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  "secretId",
  "token",
  "url",
  "signingKey",
  "clientSecret",
  "password",
]);

function describe(error: ErrorObject): Described {
  const path = pointerToPath(error.instancePath);
  const where = path.length ? path.join(".") : "document";
  const last = path.at(-1);
  const hidden = typeof last === "string" && CREDENTIAL_KEYS.has(last);
  const found = hidden
    ? "the value (not shown: it may be a credential)"
    : JSON.stringify(error.data);
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const properties = (error.parentSchema as { properties?: Record<string, Described> })
        ?.properties;
      const about = (properties?.[missing] as { description?: string } | undefined)?.description;
      return {
        path,
        part: "key",
        message: `${where}: missing required property "${missing}"; add it${about ? ` (${about.replace(/\.$/, "")})` : ""}`,
      };
    }
    case "additionalProperties": {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const suggestion = closest(extra, allowed);
      const fix = suggestion
        ? `did you mean "${suggestion}"?`
        : `remove it (allowed here: ${allowed.join(", ")})`;
      return {
        path: [...path, extra],
        part: "key",
        message: `${where}: unknown property "${extra}"; ${fix}`,
      };
    }
    case "enum": {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof error.data === "string" ? closest(error.data, allowed) : undefined;
      const fix = suggestion
        ? `did you mean "${suggestion}"? (one of ${allowed.join(", ")})`
        : `use one of ${allowed.join(", ")}`;
      return { path, part: "value", message: `${where}: ${found} is not allowed; ${fix}` };
    }
    case "const": {
      const allowed = (error.params as { allowedValue: unknown }).allowedValue;
      return {
        path,
        part: "value",
        message: `${where}: ${found} is not allowed; use ${JSON.stringify(allowed)}`,
      };
    }
    case "pattern":
      return {
        path,
        part: "value",
        message: `${where}: ${found} is not valid; fix it: ${hint ?? `it must match ${String(error.schema)}`}`,
      };
    case "type":
      return {
        path,
        part: "value",
        message: `${where}: ${hidden ? `${describeValue(error.data, false)} (not shown: it may be a credential)` : describeValue(error.data)} is not allowed here; use ${article(String(error.schema))}`,
      };
    case "uniqueItems": {
      // ajv names both copies, the later one first; point at the later one, the repeat.
      const { i, j } = error.params as { i: number; j: number };
      const repeat = Math.max(i, j);
      const items = error.data as unknown[];
      return {
        path: [...path, repeat],
        part: "value",
        message: `${where}: ${JSON.stringify(items[repeat])} is listed twice; remove one`,
      };
    }
    default:
      return { path, part: "value", message: `${where}: ${error.message ?? "is not valid"}` };
  }
}

/**
 * A message about what the author typed, where the value alone would mislead: a name holding an
 * invisible or lookalike character (shown as its code point, at its own column, since the text
 * looks right on screen), and an unquoted scalar YAML made a number or boolean of (shown as
 * typed: `012345678901`, not 12345678901; `01:30` under YAML 1.1, not 5400).
 */
function asTyped(
  error: ErrorObject,
  source: DocumentSource,
  path: ValuePath,
  part: "key" | "value",
): { at: Position; message: string } | undefined {
  const where = path.length ? path.join(".") : "document";
  const range = source.rangeAt(path, part);
  const odd = typeof error.data === "string" ? oddCharacter(error.data) : undefined;
  if (odd && ["pattern", "enum", "const"].includes(error.keyword)) {
    const index = source.text(range).indexOf(odd.character);
    const at = source.positionOf(index === -1 ? range[0] : range[0] + index);
    return {
      at,
      message: `${where}: ${showVisibly(error.data as string)} holds ${odd.description}, at line ${at.line}, column ${at.column}; it looks right but is not: delete it and retype the value in plain ASCII`,
    };
  }
  if (
    error.keyword === "type" &&
    error.schema === "string" &&
    (typeof error.data === "number" || typeof error.data === "boolean")
  ) {
    const typed = source.text(range).trim();
    if (!typed || /^["']/.test(typed)) return undefined;
    return {
      at: source.positionOf(range[0]),
      message: `${where}: ${typed} is read by YAML as ${describeValue(error.data)}, not text; quote it to keep it as typed: "${typed}"`,
    };
  }
  return undefined;
}

function pointerToPath(pointer: string): ValuePath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((step) => step.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}

function article(type: string): string {
  const word = type === "object" ? "map" : type === "array" ? "list" : type;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function describeValue(value: unknown, shown = true): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return shown ? `${article(typeof value)} ${JSON.stringify(value)}` : article(typeof value);
}
