import { execFileSync } from "node:child_process";
import { relative } from "node:path";
import type { SourceLine } from "./checks/check.js";

/** The change that last set an evidencing line: `git blame` of the line. */
export type Change =
  | {
      readonly commit: string;
      readonly author: string;
      /** The author date, ISO 8601. */
      readonly date: string;
      readonly subject: string;
      /** From a squash merge's "(#123)" or a merge commit's "Merge pull request #123". */
      readonly pullRequest?: number;
    }
  | { readonly unavailable: string };

interface Commit {
  readonly commit: string;
  readonly author: string;
  readonly date: string;
  readonly subject: string;
}

/** The pull request number a commit subject carries, if any. */
export function pullRequestOf(subject: string): number | undefined {
  const match = /\(#(\d+)\)\s*$/.exec(subject) ?? /^Merge pull request #(\d+)\b/.exec(subject);
  return match ? Number(match[1]) : undefined;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync("git", [...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function change(commit: Commit): Change {
  const pr = pullRequestOf(commit.subject);
  return { ...commit, ...(pr !== undefined && { pullRequest: pr }) };
}

/**
 * Answers "which commit last changed this line" for many lines of a repository. Files touched by
 * one commit only and unchanged in the work tree need no blame (every line is that commit's);
 * other files are blamed once each (`git blame --porcelain`), whatever number of lines is asked.
 */
export class LineHistory {
  private readonly top?: string;
  /** Why there is no history, when there is none. */
  readonly unavailable?: string;
  private readonly single = new Map<string, Commit>();
  private readonly touched = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly blamed = new Map<string, (Commit | undefined)[]>();

  constructor(dir: string) {
    let top: string;
    try {
      top = git(dir, ["rev-parse", "--show-toplevel"]).trim();
      git(dir, ["rev-parse", "--verify", "-q", "HEAD"]);
    } catch {
      this.unavailable = `no git history: ${dir} is not in a git repository with commits`;
      return;
    }
    this.top = top;
    // One pass over the history: for each file, the commits that touched it (newest first).
    const log = git(top, [
      "log",
      "--format=%x00%H%x09%an%x09%aI%x09%s",
      "--name-only",
      "--no-renames",
    ]);
    const counts = new Map<string, number>();
    for (const entry of log.split("\0").slice(1)) {
      const [head, ...files] = entry.split("\n");
      const [commit = "", author = "", date = "", subject = ""] = (head ?? "").split("\t");
      for (const file of files) {
        if (!file) continue;
        this.touched.add(file);
        counts.set(file, (counts.get(file) ?? 0) + 1);
        if (!this.single.has(file)) {
          this.single.set(file, { commit, author, date: new Date(date).toISOString(), subject });
        }
      }
    }
    for (const [file, count] of counts) if (count > 1) this.single.delete(file);
    for (const line of git(top, ["status", "--porcelain", "--no-renames", "-z"]).split("\0")) {
      if (line.length > 3) this.dirty.add(line.slice(3));
    }
  }

  /** The path as the report shows it: relative to the repository (or to `base` without one). */
  display(path: string, base: string): string {
    return relative(this.top ?? base, path)
      .split("\\")
      .join("/");
  }

  changeOf(source: SourceLine): Change {
    if (!this.top) return { unavailable: this.unavailable ?? "no git history" };
    const file = relative(this.top, source.path).split("\\").join("/");
    if (!this.touched.has(file)) return { unavailable: `${file} is not committed` };
    const only = this.single.get(file);
    if (only && !this.dirty.has(file)) return change(only);
    let lines = this.blamed.get(file);
    if (!lines) {
      lines = this.blame(file);
      this.blamed.set(file, lines);
    }
    const commit = lines[source.line - 1];
    if (!commit) return { unavailable: `line ${source.line} of ${file} is not in the blame` };
    if (/^0+$/.test(commit.commit))
      return { unavailable: `${file}:${source.line} has an uncommitted change` };
    return change(commit);
  }

  private blame(file: string): (Commit | undefined)[] {
    let text: string;
    try {
      text = git(this.top!, ["blame", "--porcelain", "--", file]);
    } catch {
      return [];
    }
    const commits = new Map<
      string,
      { author: string; time: number; tz: string; subject: string }
    >();
    const lines: (Commit | undefined)[] = [];
    let current = "";
    let final = 0;
    for (const row of text.split("\n")) {
      const head = /^([0-9a-f]{40}) \d+ (\d+)/.exec(row);
      if (head) {
        current = head[1]!;
        final = Number(head[2]);
        if (!commits.has(current))
          commits.set(current, { author: "", time: 0, tz: "+0000", subject: "" });
        continue;
      }
      const info = commits.get(current);
      if (!info) continue;
      if (row.startsWith("author ")) info.author = row.slice(7);
      else if (row.startsWith("author-time ")) info.time = Number(row.slice(12));
      else if (row.startsWith("author-tz ")) info.tz = row.slice(10);
      else if (row.startsWith("summary ")) info.subject = row.slice(8);
      else if (row.startsWith("\t")) {
        lines[final - 1] = {
          commit: current,
          author: info.author,
          date: new Date(info.time * 1000).toISOString(),
          subject: info.subject,
        };
      }
    }
    return lines;
  }
}
