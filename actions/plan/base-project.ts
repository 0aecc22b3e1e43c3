import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** A file of the project as committed at `ref` (a path relative to `projectDir`), or undefined when it did not exist then. */
export function fileAt(projectDir: string, ref: string, path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `${ref}:./${path}`], {
      cwd: projectDir,
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
    }).toString("utf8");
  } catch {
    return undefined;
  }
}

/** The file in the work tree, or undefined when absent. */
export function fileNow(projectDir: string, path: string): string | undefined {
  const full = join(projectDir, path);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
}

/**
 * The VaultPilot version a project pins in its package.json (`vaultpilot` in dependencies or
 * devDependencies), or its own version when the project is VaultPilot itself.
 */
export function vaultpilotVersion(packageJson: string | undefined): string | undefined {
  if (packageJson === undefined) return undefined;
  try {
    const pkg = JSON.parse(packageJson) as {
      name?: string;
      version?: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    return (
      pkg.dependencies?.vaultpilot ??
      pkg.devDependencies?.vaultpilot ??
      (pkg.name === "vaultpilot" ? pkg.version : undefined)
    );
  } catch {
    return packageJson;
  }
}

/** Pulumi.yaml's `main` (the program), when it names a file of the project. */
function programFile(pulumiYaml: string | undefined): string | undefined {
  try {
    const main = (parse(pulumiYaml ?? "") as { main?: unknown } | null)?.main;
    return typeof main === "string" ? main : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the whole stack must be planned rather than the tenants whose policies changed: the stack's
 * settings (`Pulumi.<stack>.yaml`), the project or its program (`Pulumi.yaml` and the file its
 * `main` names, when committed), or the VaultPilot version (package.json) differ between `ref` and
 * the work tree. Undefined when none does.
 */
export function projectChange(
  projectDir: string,
  ref: string,
  stack: string | undefined,
): string | undefined {
  const differs = (path: string) => fileAt(projectDir, ref, path) !== fileNow(projectDir, path);
  if (stack !== undefined && differs(`Pulumi.${stack}.yaml`)) {
    return `the stack's settings (Pulumi.${stack}.yaml) changed`;
  }
  if (differs("Pulumi.yaml")) return "the Pulumi project (Pulumi.yaml) changed";
  const main = programFile(fileNow(projectDir, "Pulumi.yaml"));
  if (main !== undefined && fileAt(projectDir, ref, main) !== undefined && differs(main)) {
    return `the program (${main}) changed`;
  }
  const before = vaultpilotVersion(fileAt(projectDir, ref, "package.json"));
  const now = vaultpilotVersion(fileNow(projectDir, "package.json"));
  if (before !== now) {
    return `the VaultPilot version changed (${before ?? "none"} to ${now ?? "none"})`;
  }
  return undefined;
}
