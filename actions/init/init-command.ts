import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, UsageError, type CliIO } from "../io.js";
import type { InitOptions } from "./options.js";

/** Where the scaffold comes from: the example repository the package ships. */
const TEMPLATE = join("examples", "policy-repo");

/** npm never packs a `.gitignore`, so the scaffold's comes from here (the same as the example's). */
export const GITIGNORE = "node_modules/\n.vaultpilot/\n";

declare const __VAULTPILOT_VERSION__: string | undefined;
const VERSION = typeof __VAULTPILOT_VERSION__ === "string" ? __VAULTPILOT_VERSION__ : undefined;

/** The example repository of the package this code runs from, found by walking up from here. */
export function templateDirectory(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const candidate = join(dir, TEMPLATE);
    if (existsSync(join(candidate, "vaultpilot.config.yaml"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${TEMPLATE} is missing from the installed package`);
    dir = parent;
  }
}

/** The scaffold: relative path → content, with the package's own version as the dependency. */
export function scaffoldFiles(template: string = templateDirectory()): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(template, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(template);
  files.set(".gitignore", GITIGNORE);
  const manifest = files.get("package.json");
  if (manifest && VERSION) {
    files.set(
      "package.json",
      manifest.replace(/"vaultpilot": "[^"]*"/, `"vaultpilot": "^${VERSION}"`),
    );
  }
  return files;
}

interface Manifest {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The team's package.json with what the scaffold needs added: `"type": "module"` (the program,
 * index.js, is an ES module), the vaultpilot dependency and a validate script; the rest kept.
 */
export function mergeManifest(existing: string, scaffold: string): string {
  let current: Manifest;
  try {
    current = JSON.parse(existing) as Manifest;
  } catch {
    throw new UsageError("package.json is not JSON; fix it or move it away, then run init again");
  }
  const wanted = JSON.parse(scaffold) as Manifest;
  if (current.type !== undefined && current.type !== "module") {
    throw new UsageError(
      `package.json has "type": "${current.type}", but the program index.js is an ES module; set "type": "module"`,
    );
  }
  const merged: Manifest = {
    ...current,
    type: "module",
    scripts: { ...wanted.scripts, ...current.scripts },
    dependencies: { ...wanted.dependencies, ...current.dependencies },
  };
  return `${JSON.stringify(merged, null, 2)}\n`;
}

/** Writes the scaffold into `dir`; refuses, writing nothing, when a file exists (unless --force). */
export function initCommand(dir: string, options: InitOptions, io: CliIO): number {
  const target = resolve(io.cwd, dir);
  const files = scaffoldFiles();
  // `npm install vaultpilot` in an empty directory writes package.json first: init adds to it.
  const manifest = join(target, "package.json");
  if (existsSync(manifest) && !options.force) {
    files.set(
      "package.json",
      mergeManifest(readFileSync(manifest, "utf8"), files.get("package.json")!),
    );
  }
  if (!options.force) {
    const existing = [...files.keys()].filter(
      (path) => path !== "package.json" && existsSync(join(target, path)),
    );
    if (existing.length > 0) {
      throw new UsageError(
        `${existing.length === 1 ? "a file exists" : `${existing.length} files exist`} already (${existing.slice(0, 3).join(", ")}${existing.length > 3 ? ", …" : ""}); nothing written: use another directory, or --force to overwrite`,
      );
    }
  }
  for (const [path, text] of files) {
    const full = join(target, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  const below = relative(io.cwd, target);
  const shown = below === "" ? "." : below.startsWith("..") ? target : below;
  io.stderr(
    `wrote ${files.size} files to ${shown}: policies/, vaultpilot.config.yaml, Pulumi.yaml, Pulumi.dev.yaml, index.js, package.json, .github/workflows/\n` +
      `next: ${shown === "." ? "" : `cd ${shown} && `}npm install && npx vaultpilot validate\n`,
  );
  return EXIT.clean;
}
