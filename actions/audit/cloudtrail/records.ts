/**
 * Splits a CloudTrail log file's JSON (`{"Records":[{…},{…}]}`, as AWS documents it in "CloudTrail
 * log file examples") into the text of each record while it streams in, so a file is never held
 * whole: memory is one record plus one chunk. Each record's text is then parsed on its own.
 *
 * Only the top-level `Records` array is split; any other top-level key is skipped. The splitter
 * tracks strings and escapes, so braces inside values do not confuse it.
 */
export class RecordSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The key being read at depth 1, and the last one read. */
  private key: string[] | undefined;
  private lastKey: string | undefined;
  private inRecords = false;
  private sawRecords = false;
  /** Pieces of the record being read, when inside one. */
  private pieces: string[] | undefined;
  private closed = false;

  /** Feeds the next piece of text; returns the records completed in it. */
  push(chunk: string): string[] {
    const done: string[] = [];
    let from = this.pieces ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.key) {
            this.lastKey = this.key.join("") + chunk.slice(this.keyFrom, i);
            this.key = undefined;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && !this.inRecords) {
          this.key = [];
          this.keyFrom = i + 1;
        } else if (this.inRecords && this.depth === 2 && !this.pieces) {
          from = this.startRecord(i);
        }
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.inRecords && this.depth === 2 && !this.pieces) from = this.startRecord(i);
        this.depth++;
        if (c === OPEN_BRACKET && this.depth === 2 && this.lastKey === "Records") {
          this.inRecords = true;
          this.sawRecords = true;
        }
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.inRecords && this.depth === 2 && this.pieces) {
          done.push(this.finishRecord(chunk, from, i));
          from = -1;
        }
        this.depth--;
        if (this.depth < 0) throw new SyntaxError("a closing bracket without its opening one");
        if (this.inRecords && this.depth === 1) this.inRecords = false;
        if (this.inRecords && this.depth === 2 && this.pieces) {
          done.push(this.finishRecord(chunk, from, i + 1));
          from = -1;
        }
        if (this.depth === 0) this.closed = true;
        continue;
      }
      if (this.inRecords && this.depth === 2) {
        if (c === COMMA) {
          if (this.pieces) {
            done.push(this.finishRecord(chunk, from, i));
            from = -1;
          }
        } else if (!this.pieces && !WHITESPACE.has(c)) {
          from = this.startRecord(i);
        }
      }
    }
    if (this.pieces && from >= 0) this.pieces.push(chunk.slice(from));
    if (this.key && this.inString) {
      this.key.push(chunk.slice(this.keyFrom));
      this.keyFrom = 0;
    }
    return done;
  }

  /** Call after the last chunk: throws when the text stopped before the document closed. */
  end(): void {
    if (!this.closed || this.depth !== 0 || this.inString) {
      throw new SyntaxError("the JSON ends before the document closes (truncated?)");
    }
    if (!this.sawRecords) throw new SyntaxError('no top-level "Records" array');
  }

  private keyFrom = 0;

  private startRecord(i: number): number {
    this.pieces = [];
    return i;
  }

  private finishRecord(chunk: string, from: number, to: number): string {
    const text = this.pieces!.join("") + chunk.slice(Math.max(from, 0), to);
    this.pieces = undefined;
    return text.trim();
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
