import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

let bashScript = "";
beforeAll(async () => {
  bashScript = (await runCli(["completion", "bash"])).stdout;
});

/** What bash offers for the words typed so far (the last one being completed), in a real bash. */
function bashComplete(words: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-completion-"));
  const script = join(dir, "vaultpilot.bash");
  writeFileSync(script, bashScript);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const { stdout, status, stderr } = spawnSync(
    "bash",
    [
      "-c",
      `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _vaultpilot; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: "utf8", cwd: dir },
  );
  expect(stderr).toBe("");
  expect(status).toBe(0);
  return stdout.split("\n").filter(Boolean);
}

describe("vaultpilot completion", () => {
  it("bash completes command names from what is typed", () => {
    expect(bashComplete(["vaultpilot", "dr"])).toEqual(["drift", "drift-issue"]);
    expect(bashComplete(["vaultpilot", "in"])).toEqual(["init"]);
  });

  it("bash completes a command's options, and the values an option accepts", () => {
    expect(bashComplete(["vaultpilot", "validate", "--f"])).toEqual(["--format"]);
    expect(bashComplete(["vaultpilot", "validate", "--format", ""])).toEqual([
      "text",
      "json",
      "github",
      "sarif",
    ]);
    expect(bashComplete(["vaultpilot", "completion", "--h"])).toEqual(["--help"]);
  });

  it("zsh and fish name every command and option the CLI has", async () => {
    const zsh = (await runCli(["completion", "zsh"])).stdout;
    const fish = (await runCli(["completion", "fish"])).stdout;

    expect(zsh.startsWith("#compdef vaultpilot\n")).toBe(true);
    for (const command of ["validate", "plan", "drift", "init", "completion"]) {
      expect(zsh).toContain(`    '${command}:`);
      expect(fish).toContain(`-a ${command} -d `);
    }
    expect(zsh).toContain(
      "'(-f --format)'{-f,--format}'[output format]:value:(text json github sarif)'",
    );
    expect(fish).toContain(
      `complete -c vaultpilot -n "__fish_seen_subcommand_from validate" -l format -s f -r -a 'text json github sarif' -d 'output format'`,
    );
  });

  it("refuses a shell it does not know, in one line", async () => {
    const { code, stderr } = await runCli(["completion", "powershell"]);

    expect(code).toBe(2);
    expect(stderr.split("\n")).toHaveLength(2);
    expect(stderr).toContain("powershell");
  });
});
