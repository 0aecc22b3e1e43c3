import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** Every TypeScript file under `folder`, relative to the repository. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(folder, file));
}

/** The repository-relative files a module imports (static and dynamic), from its source text. */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [
    ...text.matchAll(/(?:import|export)[^"';]*?from\s*["']([^"']+)["']/g),
    ...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => relative(root, normalize(join(root, dirname(file), specifier))));
}

/** Imports from `from` into `into` (folders, repository-relative), as "file -> import". */
function crossings(from: string, into: readonly string[], except: readonly string[] = []) {
  return sources(from)
    .filter((file) => !except.some((folder) => file.startsWith(folder)))
    .flatMap((file) =>
      imports(file)
        .filter((target) => into.some((folder) => target.startsWith(`${folder}/`)))
        .map((target) => `${file} -> ${target}`),
    );
}

describe("layers", () => {
  it("keeps the shared AWS layer (cloud/) free of components and commands", () => {
    expect(crossings("cloud", ["components", "actions"])).toEqual([]);
  });

  it("keeps the secret client (vaultpilot/client) to the shared AWS layer: no policy engine, Pulumi, components or commands", () => {
    expect(crossings("client", ["program", "components", "actions"])).toEqual([]);
  });

  it("keeps components free of commands", () => {
    expect(crossings("components", ["actions"])).toEqual([]);
  });

  it("lets the AWS components take their own args: no policy model, no commands", () => {
    expect(crossings("components/aws", ["program", "actions"])).toEqual([]);
  });

  it("keeps the AWS components and the rotation runtime from importing each other", () => {
    expect(crossings("components/aws", ["components/rotation"])).toEqual([]);
    expect(crossings("components/rotation", ["components/aws"])).toEqual([]);
  });

  it("keeps the policy engine free of components and commands (the Pulumi entry point aside)", () => {
    expect(crossings("program", ["components", "actions"], ["program/pulumi"])).toEqual([]);
  });

  it("lets discover read the live state through cloud/aws, not through drift's internals", () => {
    expect(crossings("actions/discover", ["actions/drift"])).toEqual([]);
  });
});
