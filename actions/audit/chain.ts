import { createHash } from "node:crypto";

/**
 * The hash chain over the JSONL export: every line carries, in `prev`, the hex SHA-256 of the line
 * before it (its UTF-8 bytes, without the newline); the first line carries GENESIS. The manifest
 * pins the first and last line's hash and the count, so changing, removing, reordering or adding
 * any line breaks the chain at that line.
 */
export const GENESIS = "0".repeat(64);

export function lineHash(line: string): string {
  return createHash("sha256").update(line, "utf8").digest("hex");
}

/** Builds lines in order, linking each to the one before. */
export class ChainWriter {
  private prev = GENESIS;
  private count = 0;
  private first: string | undefined;

  /** The next line for `record` (a JSON object): `{"line":n,"prev":"…",…record}`. */
  next(record: object): string {
    this.count++;
    const line = JSON.stringify({ line: this.count, prev: this.prev, ...record });
    this.prev = lineHash(line);
    this.first ??= this.prev;
    return line;
  }

  get summary(): ChainSummary {
    return {
      algorithm: "SHA-256",
      genesis: GENESIS,
      lines: this.count,
      first: this.first ?? null,
      last: this.count ? this.prev : null,
    };
  }
}

export interface ChainSummary {
  readonly algorithm: "SHA-256";
  readonly genesis: string;
  readonly lines: number;
  /** Hash of the first line; null for an empty export. */
  readonly first: string | null;
  readonly last: string | null;
}

/** Where a chain breaks: the 1-based line and why. */
export interface ChainBreak {
  readonly line: number;
  readonly reason: string;
}

/**
 * Checks lines as they stream in against the chain and the manifest's summary. Call `push` per
 * line (without its newline), then `end`; the first break is kept and later lines ignored.
 */
export class ChainVerifier {
  private prev = GENESIS;
  private count = 0;
  private first: string | undefined;
  broken: ChainBreak | undefined;

  constructor(private readonly expected: ChainSummary) {}

  push(line: string): void {
    if (this.suspect && !this.decided) return this.pushAfterSuspect(line);
    if (this.broken) return;
    this.count++;
    const n = this.count;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.broken = { line: n, reason: "is not valid JSON (edited or cut)" };
      return;
    }
    const record = parsed as { line?: unknown; prev?: unknown };
    if (typeof record !== "object" || record === null || record.line !== n) {
      this.broken = {
        line: n,
        reason: `carries line number ${JSON.stringify(record?.line)}, expected ${n} (a line was removed, added or moved)`,
      };
      return;
    }
    if (record.prev !== this.prev) {
      // Either the line before was changed (its hash moved) or this line's own prev was: the next
      // line tells which, since it records this line's original hash.
      this.suspect = { line: n, hash: lineHash(line), recorded: String(record.prev) };
      this.broken = { line: n, reason: "" };
      return;
    }
    this.prev = lineHash(line);
    this.first ??= this.prev;
  }

  /** A prev that did not match, decided by the line after it (or the manifest's last hash). */
  private suspect: { line: number; hash: string; recorded: string } | undefined;
  private decided = false;

  private decide(nextPrev: string | undefined): void {
    const s = this.suspect!;
    this.decided = true;
    const lineIntact = nextPrev === s.hash;
    this.broken =
      lineIntact && s.line > 1
        ? {
            line: s.line - 1,
            reason: `was changed: its SHA-256 is ${this.prev}, but line ${s.line} records ${s.recorded}`,
          }
        : lineIntact
          ? { line: 1, reason: `records prev ${s.recorded}, expected the genesis ${GENESIS}` }
          : {
              line: s.line,
              reason: `was changed: it records prev ${s.recorded}, but line ${s.line - 1} hashes to ${this.prev}`,
            };
  }

  /** Feeds the line after a suspect one. */
  private pushAfterSuspect(line: string): void {
    let prev: string | undefined;
    try {
      const parsed = JSON.parse(line) as { prev?: unknown };
      prev = typeof parsed.prev === "string" ? parsed.prev : undefined;
    } catch {
      prev = undefined;
    }
    this.decide(prev);
  }

  end(): ChainBreak | undefined {
    if (this.suspect && !this.decided)
      this.decide(this.suspect.hash === this.expected.last ? this.suspect.hash : undefined);
    if (this.broken) return this.broken;
    if (this.count !== this.expected.lines) {
      return {
        line: Math.min(this.count, this.expected.lines) + 1,
        reason: `the file has ${this.count} lines, the manifest says ${this.expected.lines} (lines were ${this.count < this.expected.lines ? "removed at the end" : "added at the end"})`,
      };
    }
    if (this.count > 0 && this.prev !== this.expected.last) {
      return {
        line: this.count,
        reason: `was changed: its SHA-256 is ${this.prev}, but the manifest records ${this.expected.last}`,
      };
    }
    if (this.count > 0 && this.first !== this.expected.first) {
      return {
        line: 1,
        reason: `its SHA-256 ${this.first} is not the manifest's first hash ${this.expected.first}`,
      };
    }
    return undefined;
  }
}
