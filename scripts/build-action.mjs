// Bundles the GitHub Action into dist-action/ with every dependency, which is committed: a
// JavaScript action runs from the files at the ref `uses:` names, with no install step. Two
// files: index.mjs (actions/action/main.ts: inputs, validate, outputs) and cli.mjs (the whole CLI,
// with the AWS SDK and Pulumi), which index.mjs imports only for plan, drift and the GitHub
// commands, so validate starts fast. Each is one file, not split: a split bundle turns a dynamic
// import of a CommonJS package (@pulumi/pulumi in plan) into a default export only.
//   node scripts/build-action.mjs [outdir]   (default dist-action; the freshness test builds elsewhere)
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(process.argv[2] ?? join(root, "dist-action"));
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** index.mjs imports the CLI as the separate file beside it. */
const cliAsSibling = {
  name: "cli-as-sibling",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/cli\.js$/ }, (args) =>
      args.importer.endsWith(join("actions", "action", "run-action.ts"))
        ? { path: "./cli.mjs", external: true }
        : undefined,
    );
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { index: "actions/action/main.ts", cli: "actions/cli.ts" },
  plugins: [cliAsSibling],
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node24",
  minify: true,
  legalComments: "none",
  // CommonJS dependencies bundled into an ES module still call require and read __dirname.
  banner: {
    js: 'import{createRequire as __vpRequire}from"node:module";import{fileURLToPath as __vpPath}from"node:url";import{dirname as __vpDir}from"node:path";const require=__vpRequire(import.meta.url);const __filename=__vpPath(import.meta.url);const __dirname=__vpDir(__filename);',
  },
  define: { __VAULTPILOT_VERSION__: JSON.stringify(version) },
  metafile: true,
  logLevel: "warning",
});
if (process.env.npm_lifecycle_event !== "test") {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    console.log(`${file}: ${(output.bytes / 1024).toFixed(0)} KB`);
  }
}
