import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the runner sees of one run of the action: its log, outputs, summary and exit status. */
export interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** `$GITHUB_OUTPUT` as @actions/core writes it: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      outputs[name!] = value.join("\n");
    } else if (lines[i]!.includes("=")) {
      const [name, ...rest] = lines[i]!.split("=");
      outputs[name!] = rest.join("=");
    }
  }
  return outputs;
}

/**
 * Runs dist-action/index.mjs as the runner runs a JavaScript action: a fresh process whose
 * environment holds only the inputs (`INPUT_<NAME>`, upper-cased, hyphens kept), the runner's
 * files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`) and what `env` adds.
 */
export function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): ActionRun {
  const files = mkdtempSync(join(tmpdir(), "vaultpilot-runner-"));
  const outputFile = join(files, "output");
  const summaryFile = join(files, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const result = spawnSync("node_modules/node/bin/node", ["dist-action/index.mjs"], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...inputEnv,
      ...env,
    },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputFile(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
  };
}
