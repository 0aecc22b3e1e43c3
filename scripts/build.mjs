// Builds dist/ with esbuild (run by `npm ci` through `prepare`, and by `npm start`), then links
// node_modules/.bin/vaultpilot: npm links the bins of dependencies, never the project's own.
import { build } from "esbuild";
import { readFileSync, mkdirSync, symlinkSync, lstatSync, unlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

await build({
  absWorkingDir: root,
  entryPoints: {
    "cli/main": "actions/main.ts",
    // The policy engine as a library, for benchmarks and scripts.
    "program/validate": "program/validate.ts",
    // The Pulumi program (Pulumi.yaml's main); @pulumi packages stay external.
    "pulumi/index": "program/pulumi/index.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  sourcemap: "linked",
  define: { __VAULTPILOT_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});

const bin = join(root, "node_modules", ".bin", "vaultpilot");
mkdirSync(dirname(bin), { recursive: true });
try {
  lstatSync(bin);
  unlinkSync(bin);
} catch {
  // not linked yet
}
symlinkSync(relative(dirname(bin), join(root, "bin", "vaultpilot.js")), bin);
