import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type * as Library from "../../program/index.js";
import type * as ClientLibrary from "../../client/index.js";
import { buildCli, runBuiltCli } from "../support/built-cli.js";

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly files: readonly PackedFile[];
}
interface PackageJson {
  readonly version: string;
  readonly private?: boolean;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | { types: string; default: string }>;
  readonly optionalDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as PackageJson;
let packed: string[] = [];

beforeAll(() => {
  // What `npm pack` runs first (prepack): the build and the type declarations; then the listing.
  buildCli();
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "ignore" });
  const json = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [result] = JSON.parse(json) as PackResult[];
  packed = result!.files.map((f) => f.path).sort();
}, 120_000);

describe("the npm package", () => {
  it("is public, with a semver version", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it("holds only the launcher, the build, the schemas, the example repository and the docs", () => {
    const allowed =
      /^(bin\/vaultpilot\.js|dist\/.+\.(js|d\.ts)|dist\/rotation\/[\w-]+\.mjs|schemas\/[a-z-]+(\.defs)?\.schema\.json|examples\/policy-repo\/.+|CHANGELOG\.md|README\.md|LICENSE|package\.json)$/;

    expect(packed.filter((path) => !allowed.test(path))).toEqual([]);
  });

  it("leaves out tests, fixtures, benchmarks, sources and source maps", () => {
    const unwanted = packed.filter((path) =>
      /(^|\/)(test|tests|fixtures|bench|__tests__)\/|\.test\.|\.map$|^(program|components|actions|scripts)\/|\.ts$(?<!\.d\.ts)/.test(
        path,
      ),
    );

    expect(unwanted).toEqual([]);
  });

  it("ships every file its bin and exports map name, with type declarations for the library", () => {
    const targets = [
      ...Object.values(pkg.bin),
      ...Object.entries(pkg.exports)
        .filter(([key]) => !key.includes("*"))
        .flatMap(([, target]) =>
          typeof target === "string" ? [target] : [target.types, target.default],
        ),
    ].map((path) => path.replace(/^\.\//, ""));

    expect(targets.filter((path) => !packed.includes(path))).toEqual([]);
    expect(packed.filter((path) => path.endsWith(".d.ts")).length).toBeGreaterThan(10);
  });

  it("ships only the chunks its entry points load: no leftovers of earlier builds", () => {
    const chunks = packed.filter((path) => /^dist\/[^/]+\.js$/.test(path));
    const referenced = new Set<string>();
    for (const file of packed.filter((path) => path.endsWith(".js"))) {
      for (const [, name] of readFileSync(file, "utf8").matchAll(
        /["'/]\.{0,2}\/?([\w-]+\.js)["']/g,
      )) {
        referenced.add(`dist/${name}`);
      }
    }

    expect(chunks.filter((chunk) => !referenced.has(chunk))).toEqual([]);
  });

  it("brings a Node 22 runtime for shells whose node is older, as an optional dependency", () => {
    expect(pkg.optionalDependencies?.node).toMatch(/^22\./);
  });

  it("prints its version for --version", () => {
    const { status, stdout } = runBuiltCli(["--version"]);

    expect(status).toBe(0);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it("gives the library's entry points to an importer: validate the example policies into the model", async () => {
    const entry = pathToFileURL(join(process.cwd(), "dist/lib/index.js")).href;
    const library = (await import(entry)) as typeof Library;

    const result = library.validatePolicies(join(process.cwd(), "policies"));

    expect(result.model?.tenants.map((t) => t.name)).toEqual([
      "acme",
      "globex",
      "initech",
      "umbrella",
    ]);
    expect(existsSync("dist/lib/stack.js")).toBe(true);
  });

  it("gives services the secret client (vaultpilot/client) with its type declarations", async () => {
    const entry = pathToFileURL(join(process.cwd(), "dist/lib/client.js")).href;
    const client = (await import(entry)) as typeof ClientLibrary;

    expect(pkg.exports["./client"]).toEqual({
      types: "./dist/types/client/index.d.ts",
      default: "./dist/lib/client.js",
    });
    expect(packed).toContain("dist/types/client/index.d.ts");
    expect(packed).toContain("dist/types/client/secret-client.d.ts");
    expect(typeof client.getSecret).toBe("function");
    expect(typeof client.verifyWebhookSignature).toBe("function");
    expect(new client.SecretUnavailable("acme", "db", "closed", "x").reason).toBe("closed");
  });
});
