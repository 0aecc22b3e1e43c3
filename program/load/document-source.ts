import { isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";
import type { Position } from "../diagnostics.js";

/** A path into a document's value: map keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/**
 * One file's text and, while it is being loaded or when a position is asked for, its parsed
 * documents. The parse is dropped after loading and redone (the same text, the same options,
 * the same result) only for a file a diagnostic points into: a clean run keeps no YAML syntax
 * trees alive, which is most of the memory and garbage-collection time parsing costs.
 */
export class ParsedFile {
  readonly lines: LineIndex;
  private parsed: Document.Parsed[] | undefined;

  constructor(
    readonly text: string,
    private readonly parse: (text: string) => Document.Parsed[],
  ) {
    this.lines = new LineIndex(text);
  }

  documents(): Document.Parsed[] {
    return (this.parsed ??= this.parse(this.text));
  }

  release(): void {
    this.parsed = undefined;
  }
}

/** Where a document came from: positions are computed only when asked for. */
export class DocumentSource {
  constructor(
    /** Relative to the policy directory, `/`-separated. */
    readonly file: string,
    /** 0-based index of the document in its file. */
    readonly index: number,
    private readonly parsedFile: ParsedFile,
  ) {}

  /**
   * The position of the value at `path`, or of its key when `part` is "key".
   * When the path does not exist all the way, the deepest part that does.
   */
  at(path: ValuePath = [], part: "key" | "value" = "value"): Position {
    return this.positionOf(this.rangeAt(path, part)[0]);
  }

  /**
   * The offsets `[start, end)` in the file's text of the node `at` finds: with `text`, what the
   * author typed there (an unquoted `012345678901`, not the number YAML made of it).
   */
  rangeAt(path: ValuePath = [], part: "key" | "value" = "value"): readonly [number, number] {
    const document = this.document();
    let node: unknown = document.contents;
    let keyNode: Node | null = null;
    for (const step of path) {
      const next = child(node, step);
      if (!next) break;
      node = next.value;
      keyNode = next.key;
    }
    const target = part === "key" && keyNode ? keyNode : (node as Node | null);
    if (target?.range) return [target.range[0], target.range[1]];
    const start = document.contents?.range?.[0] ?? document.range[0];
    return [start, start];
  }

  /** The file's text between two offsets, as typed. */
  text(range: readonly [number, number]): string {
    return this.parsedFile.text.slice(range[0], range[1]);
  }

  positionOf(offset: number): Position {
    return this.parsedFile.lines.positionOf(offset);
  }

  private document(): Document.Parsed {
    return this.parsedFile.documents()[this.index]!;
  }
}

function child(node: unknown, step: string | number): { key: Node | null; value: unknown } | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      const name = isScalar(key) ? key.value : key;
      if (name === step || String(name) === String(step)) {
        return { key: key as Node, value: pair.value ?? key };
      }
    }
    return null;
  }
  if (isSeq(node) && typeof step === "number") {
    const item = node.items[step];
    return item === undefined ? null : { key: null, value: item };
  }
  return null;
}

/**
 * Line starts of one file's text, found only when a position is first asked for. (yaml's
 * LineCounter is filled by its lexer, which skips line breaks after some syntax errors and
 * then puts later positions on the wrong line; it also costs every clean parse.)
 */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** 1-based line and column (in UTF-16 units, as editors count) of a 0-based offset. */
  positionOf(offset: number): Position {
    const starts = (this.starts ??= lineStarts(this.text));
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: at - starts[low]! + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
