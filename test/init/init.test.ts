import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GITIGNORE, scaffoldFiles } from "../../actions/init/init-command.js";
import { runCli } from "../support/cli.js";
import { policyTree } from "../support/policy-tree.js";

describe("vaultpilot init", () => {
  let remove = () => {};
  afterEach(() => remove());
  const emptyDirectory = () => {
    const tree = policyTree({});
    remove = tree.remove;
    return tree.dir;
  };

  it("writes the example repository: config, policies, Pulumi project, program and workflows", async () => {
    const cwd = emptyDirectory();

    const { code, stderr } = await runCli(["init", "team"], { cwd });

    expect(code).toBe(0);
    expect(stderr).toContain("next: cd team && npm install && npx vaultpilot validate");
    const files = scaffoldFiles();
    expect([...files.keys()].sort()).toEqual([
      ".github/workflows/deploy.yml",
      ".github/workflows/drift.yml",
      ".github/workflows/policy-check.yml",
      ".gitignore",
      "Pulumi.dev.yaml",
      "Pulumi.yaml",
      "README.md",
      "index.js",
      "package.json",
      "policies/schedules.yaml",
      "policies/tenants/acme/secrets.yaml",
      "policies/tenants/acme/services.yaml",
      "policies/tenants/acme/tenant.yaml",
      "vaultpilot.config.yaml",
    ]);
    for (const [path, text] of files) {
      expect(readFileSync(join(cwd, "team", path), "utf8"), path).toBe(text);
    }
    expect(files.get(".gitignore")).toBe(readFileSync("examples/policy-repo/.gitignore", "utf8"));
    expect(GITIGNORE).toContain(".vaultpilot/");
  });

  it("scaffolds a repository that validates clean, under its own config", async () => {
    const cwd = emptyDirectory();
    await runCli(["init"], { cwd });

    const { code, stdout } = await runCli(["validate"], { cwd });

    expect(stdout).toBe("✔ 4 files, 4 documents: no problems\n");
    expect(code).toBe(0);
  });

  it("workflows of 10 to 25 lines, calling the action rather than copying steps", () => {
    for (const name of ["policy-check", "deploy", "drift"]) {
      const text = scaffoldFiles().get(`.github/workflows/${name}.yml`)!;
      const lines = text.trimEnd().split("\n").length;

      expect(lines, name).toBeGreaterThanOrEqual(10);
      expect(lines, name).toBeLessThanOrEqual(25);
    }
    expect(scaffoldFiles().get(".github/workflows/policy-check.yml")).toContain(
      "uses: vaultpilot/vaultpilot@v0",
    );
  });

  it("adds to the package.json that `npm install vaultpilot` wrote, keeping what is there", async () => {
    const cwd = emptyDirectory();
    writeFileSync(
      join(cwd, "package.json"),
      JSON.stringify({
        name: "acme",
        dependencies: { vaultpilot: "file:../vaultpilot-0.2.0.tgz" },
      }),
    );

    const { code } = await runCli(["init"], { cwd });

    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"))).toEqual({
      name: "acme",
      type: "module",
      scripts: { validate: "vaultpilot validate" },
      dependencies: { vaultpilot: "file:../vaultpilot-0.2.0.tgz" },
    });
  });

  it("writes nothing when a file exists, and says which; --force overwrites", async () => {
    const cwd = emptyDirectory();
    await runCli(["init"], { cwd });

    const again = await runCli(["init"], { cwd });
    const forced = await runCli(["init", "--force"], { cwd });

    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      "vaultpilot: 13 files exist already (.github/workflows/deploy.yml, .github/workflows/drift.yml, .github/workflows/policy-check.yml, …); nothing written: use another directory, or --force to overwrite\n",
    );
    expect(forced.code).toBe(0);
  });
});
