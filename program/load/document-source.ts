import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Position } from "../diagnostics.js";

/** A path into a document's value: map keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/**
 * Where a document came from. Positions are computed only when asked for,
 * from the parsed YAML kept alive here, so a clean run pays nothing for them.
 */
export class DocumentSource {
  constructor(
    /** Relative to the policy directory, `/`-separated. */
    readonly file: string,
    /** 0-based index of the document in its file. */
    readonly index: number,
    private readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path`, or of its key when `part` is "key".
   * When the path does not exist all the way, the deepest part that does.
   */
  at(path: ValuePath = [], part: "key" | "value" = "value"): Position {
    let node: unknown = this.document.contents;
    let keyNode: Node | null = null;
    for (const step of path) {
      const next = child(node, step);
      if (!next) break;
      node = next.value;
      keyNode = next.key;
    }
    const target = part === "key" && keyNode ? keyNode : (node as Node | null);
    const offset = target?.range?.[0] ?? this.documentStart();
    return this.positionOf(offset);
  }

  positionOf(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private documentStart(): number {
    return this.document.contents?.range?.[0] ?? this.document.range[0];
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
