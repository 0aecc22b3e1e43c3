import { readFileSync, statSync } from "node:fs";
import {
  isAlias,
  isCollection,
  isPair,
  isScalar,
  parseAllDocuments,
  visit,
  type Document,
  type YAMLError,
} from "yaml";
import type { Diagnostic } from "../diagnostics.js";
import { DocumentSource, ParsedFile } from "./document-source.js";
import { fileProblem, listPolicyFiles, reason, type PolicyFile } from "./policy-files.js";
import { findSuppressions, type Suppression } from "../suppressions.js";

/** Files larger than this are refused unread: policy files are small, and a huge one is a mistake. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Aliases one document may expand; more is a "billion laughs" attack, not a policy. */
const MAX_ALIAS_COUNT = 1000;
/**
 * Levels of maps and lists one document may nest. Real policies use five or so; far deeper
 * input is a mistake or an attack, and would exhaust the YAML parser's stack.
 */
export const MAX_NESTING_DEPTH = 64;
const NESTING_MESSAGE = `document nests maps and lists more than ${MAX_NESTING_DEPTH} levels deep; a policy needs a handful: flatten it`;

/** One YAML document as plain data, with the way back to its place in its file. */
export interface LoadedDocument {
  readonly value: unknown;
  readonly source: DocumentSource;
}

export interface LoadResult {
  readonly documents: LoadedDocument[];
  readonly diagnostics: Diagnostic[];
  /** Every policy file found, relative to the directory, whether it loaded or not. */
  readonly files: string[];
  /** The `# vaultpilot:ignore` comments of every file, in file order. */
  readonly suppressions: Suppression[];
}

/**
 * Reads every policy file under `root`. The only module that reads YAML: everything
 * downstream sees plain values and a `DocumentSource` for positions. Never throws for
 * bad input; every problem becomes a diagnostic and loading goes on.
 */
export function loadPolicies(root: string): LoadResult {
  const { files, diagnostics } = listPolicyFiles(root);
  const documents: LoadedDocument[] = [];
  const suppressions: Suppression[] = [];
  for (const file of files) {
    const text = readPolicyText(file, diagnostics);
    if (text !== undefined) {
      parsePolicyText(file.relative, text, documents, diagnostics);
      suppressions.push(...findSuppressions(file.relative, text));
    }
  }
  return { documents, diagnostics, files: files.map((f) => f.relative), suppressions };
}

/** Parses one file's text; exported so tests and tools can load text that is not on disk. */
export function parsePolicyText(
  file: string,
  text: string,
  documents: LoadedDocument[],
  diagnostics: Diagnostic[],
): void {
  // logLevel "error": YAML's warnings (such as a map used as a key) would go to the console;
  // the schema check reports what matters about them.
  const parsedFile = new ParsedFile(text, (source) =>
    parseAllDocuments(source, { uniqueKeys: true, strict: true, logLevel: "error" }),
  );
  let parsed: Document.Parsed[];
  try {
    parsed = parsedFile.documents();
  } catch (error) {
    // The parser recurses per level of nesting: thousands of levels overflow its stack.
    const message =
      error instanceof RangeError ? NESTING_MESSAGE : `invalid YAML: ${reason(error)}`;
    diagnostics.push(problem(file, deepestPoint(text), "yaml-syntax", message));
    return;
  }
  let found = 0;
  parsed.forEach((document, index) => {
    const source = new DocumentSource(file, index, parsedFile);
    // Warnings too (an unknown tag, an unknown directive): the value would not be what it reads as.
    const error = document.errors[0] ?? document.warnings[0];
    if (error) {
      const { offset, message } = locateSyntaxError(document, error, text);
      diagnostics.push(problem(file, source.positionOf(offset), "yaml-syntax", message));
      found++;
      return;
    }
    if (isEmpty(document)) return;
    found++;
    const tooDeep = nodeBeyondDepth(document);
    if (tooDeep !== undefined) {
      diagnostics.push(problem(file, source.positionOf(tooDeep), "yaml-syntax", NESTING_MESSAGE));
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      const unresolved = unresolvedAlias(document);
      diagnostics.push(
        unresolved
          ? problem(
              file,
              source.positionOf(unresolved.offset),
              "yaml-syntax",
              `alias *${unresolved.name} names no anchor before it in this document; define &${unresolved.name} above it, or write the value out`,
            )
          : problem(
              file,
              source.positionOf(firstAlias(document) ?? document.contents?.range?.[0] ?? 0),
              "yaml-syntax",
              `cannot expand this document: ${aliasReason(cause)}`,
            ),
      );
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      const shape = Array.isArray(value)
        ? "a list"
        : value === null
          ? "null"
          : `the ${typeof value} ${quoteShort(value)}`;
      diagnostics.push(
        problem(
          file,
          source.at(),
          "document-shape",
          `document is ${shape}; a policy document is a map with apiVersion, kind, metadata and spec`,
        ),
      );
      return;
    }
    documents.push({ value, source });
  });
  parsedFile.release();
  if (found === 0) {
    diagnostics.push({
      file,
      line: 1,
      column: 1,
      severity: "warning",
      rule: "empty-file",
      message: "file holds no policy documents; add one or delete the file",
    });
  }
}

function readPolicyText(file: PolicyFile, diagnostics: Diagnostic[]): string | undefined {
  let bytes: Buffer;
  try {
    const size = statSync(file.path).size;
    if (size > MAX_FILE_BYTES) {
      const mib = (size / 1024 / 1024).toFixed(1);
      diagnostics.push({
        ...fileProblem(
          file.relative,
          `file is ${mib} MiB; policy files may be at most 5 MiB: split it`,
        ),
        rule: "file-too-large",
      });
      return undefined;
    }
    bytes = readFileSync(file.path);
  } catch (error) {
    diagnostics.push(fileProblem(file.relative, `cannot read this file (${reason(error)})`));
    return undefined;
  }
  return decodeUtf8(file.relative, bytes, diagnostics);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeUtf8(file: string, bytes: Buffer, diagnostics: Diagnostic[]): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    diagnostics.push(
      encodingProblem(
        file,
        bytes,
        nul,
        "file is binary (it holds a NUL byte); policy files are UTF-8 text",
      ),
    );
    return undefined;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const byte = `0x${(bytes[bad] ?? 0).toString(16).padStart(2, "0")}`;
    diagnostics.push(
      encodingProblem(
        file,
        bytes,
        bad,
        `file is not valid UTF-8 (byte ${byte} here); save it as UTF-8 text`,
      ),
    );
    return undefined;
  }
}

function encodingProblem(file: string, bytes: Buffer, offset: number, message: string): Diagnostic {
  const before = bytes.subarray(0, offset);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters of the valid text before the bad byte, not bytes.
  const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  return { file, line, column, severity: "error", rule: "file-encoding", message };
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0;
    if (length === 0) return i;
    try {
      utf8.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return i;
}

function problem(
  file: string,
  at: { line: number; column: number },
  rule: string,
  message: string,
): Diagnostic {
  return { file, line: at.line, column: at.column, severity: "error", rule, message };
}

/**
 * Where a YAML error is and what to say about it. yaml reports an unterminated quoted string or
 * flow collection where it gave up (often the next line); the offending token is where it was
 * opened, so point there.
 */
function locateSyntaxError(
  document: Document.Parsed,
  error: YAMLError,
  text: string,
): { offset: number; message: string } {
  const at = error.pos[0];
  const unclosedQuote = error.code === "MISSING_CHAR" && /closing .*quote/i.test(error.message);
  const unclosedFlow = /^Flow (sequence|mapping) in block collection must .* end with/.test(
    error.message,
  );
  if (unclosedQuote || unclosedFlow) {
    const opened = nodeEndingAt(document, at, unclosedQuote ? "quote" : "flow");
    if (opened !== undefined) {
      const open = text[opened] ?? "";
      const close = open === "[" ? "]" : open === "{" ? "}" : open;
      return {
        offset: opened,
        message: unclosedQuote
          ? `this quoted text is never closed; add the closing ${close}`
          : `this ${open === "[" ? "list" : "map"} is never closed; add the closing ${close}`,
      };
    }
  }
  return { offset: at, message: syntaxMessage(error.code, error.message, text, at) };
}

/** The start of the quoted scalar or flow collection whose range ends at `end`, if any. */
function nodeEndingAt(
  document: Document.Parsed,
  end: number,
  kind: "quote" | "flow",
): number | undefined {
  let found: number | undefined;
  visit(document, {
    Node(_, node) {
      const range = node.range;
      if (!range || (range[1] !== end && range[2] !== end)) return;
      const matches =
        kind === "quote"
          ? isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")
          : isCollection(node) && node.flow === true;
      if (matches && (found === undefined || range[0] > found)) found = range[0];
    },
  });
  return found;
}

/** The first alias whose anchor is not defined before it: where yaml's "Unresolved alias" is. */
function unresolvedAlias(document: Document.Parsed): { offset: number; name: string } | undefined {
  let found: { offset: number; name: string } | undefined;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) !== undefined) return undefined;
      found = { offset: alias.range?.[0] ?? 0, name: alias.source };
      return visit.BREAK;
    },
  });
  return found;
}

/** The offset of the first alias in a document: where an alias bomb starts to expand. */
function firstAlias(document: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(document, {
    Node(_, node) {
      if (!isAlias(node)) return undefined;
      found = node.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

function syntaxMessage(code: string, message: string, text: string, offset: number): string {
  const first = message.split(/ at line \d+, column \d+/)[0]!.split("\n")[0]!;
  switch (code) {
    case "TAB_AS_INDENT":
      return "tab used for indentation; YAML indents with spaces only: replace it with spaces";
    case "DUPLICATE_KEY": {
      const key = /^[^:\n]*/.exec(text.slice(offset))![0].trim();
      return `key ${JSON.stringify(key)} appears twice in this map; each key may appear once: remove or rename one`;
    }
    case "RESOURCE_EXHAUSTION":
      return NESTING_MESSAGE;
    case "TAG_RESOLVE_FAILED":
      return `${first.replace(/^Unresolved tag/, "unknown tag")}; policies use plain YAML values: remove the tag`;
    case "BAD_DIRECTIVE":
      return `${first.replace(/^Unknown directive/, "unknown directive")}; remove it`;
    default:
      return `invalid YAML: ${first}`;
  }
}

function quoteShort(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** No content at all, as between `---` lines or after a trailing `---`: skipped, not an error. */
function isEmpty(document: Document.Parsed): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null && !contents.source);
}

/** The offset of the first map or list nested deeper than the cap, walked without recursion. */
function nodeBeyondDepth(document: Document.Parsed): number | undefined {
  const pending: [unknown, number][] = [[document.contents, 1]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING_DEPTH) return node.range?.[0] ?? 0;
    for (const item of node.items) {
      if (isPair(item)) {
        pending.push([item.key, depth + 1], [item.value, depth + 1]);
      } else pending.push([item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Where a file too deep to parse nests most, by a linear scan: indentation, "- " entries
 * and open brackets all count. Only a hint for the diagnostic's position.
 */
function deepestPoint(text: string): { line: number; column: number } {
  let best = { depth: -1, line: 1, column: 1 };
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let block = 0;
  let atIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      block = 0;
      atIndent = true;
      continue;
    }
    if (atIndent && (c === " " || c === "-")) block++;
    else atIndent = false;
    if (c === "[" || c === "{") flow++;
    else if ((c === "]" || c === "}") && flow > 0) flow--;
    if (block + flow > best.depth) best = { depth: block + flow, line, column: i - lineStart + 1 };
  }
  return { line: best.line, column: best.column };
}

function aliasReason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return /alias count/i.test(message)
    ? 'too many aliases expand in it (a "billion laughs" pattern); write the values out'
    : message;
}
