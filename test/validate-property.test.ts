import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatJson } from "../actions/validate/formats/json.js";
import type { Diagnostic } from "../program/diagnostics.js";
import { parsePolicyText, type LoadedDocument } from "../program/load/load-policies.js";
import { validateDocuments } from "../program/validate.js";

/** The DESIGN.md contract of `vaultpilot validate --format json`, as a schema. */
const CONTRACT = {
  type: "object",
  additionalProperties: false,
  required: ["ok", "diagnostics"],
  properties: {
    ok: { type: "boolean" },
    diagnostics: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["file", "line", "column", "severity", "rule", "message"],
        properties: {
          file: { type: "string", minLength: 1 },
          line: { type: "integer", minimum: 1 },
          column: { type: "integer", minimum: 1 },
          severity: { enum: ["error", "warning"] },
          rule: { type: "string", pattern: "^[a-z][a-z0-9-]*$" },
          message: { type: "string", minLength: 1 },
        },
      },
    },
  },
} as const;
const meetsContract = new Ajv({ allErrors: true }).compile(CONTRACT);

interface ContractOutput {
  ok: boolean;
  diagnostics: Diagnostic[];
}

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => relative(dir, join(dir, name)).split("\\").join("/"))
    .sort();
}

// The example policies, loaded once: each run mutates one file and reuses the others' documents.
const FILES = policyFiles("policies");
const TEXTS = new Map(FILES.map((file) => [file, readFileSync(join("policies", file), "utf8")]));
const LOADED = new Map(
  FILES.map((file) => {
    const documents: LoadedDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    parsePolicyText(file, TEXTS.get(file)!, documents, diagnostics);
    expect(diagnostics).toEqual([]);
    return [file, documents] as const;
  }),
);

type Mutation = (text: string) => string;

const lineAt = (text: string, index: number) => {
  const lines = text.split("\n");
  return { lines, i: index % lines.length };
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // delete a line
  fc.nat().map((n) => (text: string) => {
    const { lines, i } = lineAt(text, n);
    lines.splice(i, 1);
    return lines.join("\n");
  }),
  // duplicate a line
  fc.nat().map((n) => (text: string) => {
    const { lines, i } = lineAt(text, n);
    lines.splice(i, 0, lines[i]!);
    return lines.join("\n");
  }),
  // swap the values of two `key: value` lines
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (text: string) => {
    const lines = text.split("\n");
    const pairs = lines.flatMap((line, i) => (/^\s*[\w-]+: \S/.test(line) ? [i] : []));
    if (pairs.length < 2) return text;
    const [x, y] = [pairs[a % pairs.length]!, pairs[b % pairs.length]!];
    const split = (line: string) => /^(\s*[\w-]+: )([\s\S]*)$/.exec(line)!;
    const [, keyX, valueX] = split(lines[x]!);
    const [, keyY, valueY] = split(lines[y]!);
    lines[x] = `${keyX}${valueY}`;
    lines[y] = `${keyY}${valueX}`;
    return lines.join("\n");
  }),
  // insert random bytes, decoded as the loader would see them after UTF-8 decoding
  fc
    .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 12 }))
    .map(([n, bytes]) => (text: string) => {
      const at = n % (text.length + 1);
      return text.slice(0, at) + new TextDecoder().decode(bytes) + text.slice(at);
    }),
  // insert YAML punctuation, which breaks structure more often than random bytes
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        "\t",
        "- ",
        ": ",
        "[",
        "{",
        "&a ",
        "*a",
        "---\n",
        "? ",
        "|\n",
        '"',
        "'",
        "#",
        "\n  ",
      ),
    )
    .map(([n, token]) => (text: string) => {
      const at = n % (text.length + 1);
      return text.slice(0, at) + token + text.slice(at);
    }),
  // truncate
  fc.nat().map((n) => (text: string) => text.slice(0, n % (text.length + 1))),
);

describe("validate on mutated example policies", () => {
  it("never throws and always prints JSON that meets the contract, positions inside the file", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FILES),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (target, mutations) => {
          const text = mutations.reduce((t, mutate) => mutate(t), TEXTS.get(target)!);
          const documents: LoadedDocument[] = [];
          const diagnostics: Diagnostic[] = [];
          for (const file of FILES) {
            if (file === target) parsePolicyText(file, text, documents, diagnostics);
            else documents.push(...LOADED.get(file)!);
          }

          const result = validateDocuments(documents, diagnostics, FILES);
          const output = JSON.parse(formatJson(result)) as ContractOutput;

          if (!meetsContract(output)) throw new Error(JSON.stringify(meetsContract.errors));
          for (const d of output.diagnostics) {
            const lines = (d.file === target ? text : TEXTS.get(d.file)!).split("\n");
            expect(d.line, `${d.file}:${d.line}:${d.column} ${d.message}`).toBeLessThanOrEqual(
              lines.length,
            );
            expect(d.column, `${d.file}:${d.line}:${d.column} ${d.message}`).toBeLessThanOrEqual(
              lines[d.line - 1]!.length + 1,
            );
          }
          expect(output.ok).toBe(!result.diagnostics.some((d) => d.severity === "error"));
          expect(result.model === undefined).toBe(!output.ok);
        },
      ),
      // 3,000 mutated trees take ~10 s on a quiet machine; a loaded one (load 20) took > 120 s for 10,000.
      { numRuns: 3_000 },
    );
  }, 300_000);
});
