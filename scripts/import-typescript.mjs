// Lets a plain Node script (a benchmark, a seeding script) call the project's TypeScript: bundles
// the given re-exports with esbuild (packages stay external) under .bench/ and imports the result.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `exports` is TypeScript re-export lines relative to the project root, e.g. `export { run } from "./actions/cli.ts";`. */
export async function importTypeScript(name, exports) {
  const outfile = join(root, ".bench", `${name}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: exports, resolveDir: root, loader: "ts" },
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external",
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}
