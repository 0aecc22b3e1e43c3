import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

describe("usage errors", () => {
  it("exit 2 with one line for commands whose findings exit 1", async () => {
    const { code, stdout, stderr } = await runCli(["plan", "--bogus"]);

    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("vaultpilot: unknown option '--bogus' (see --help)\n");
  });

  it("exit 1 for drift, whose 2 means drift was found: a run that never checked is no verdict", async () => {
    for (const argv of [
      ["drift", "--bogus"],
      ["drift", "-f", "xml"],
    ]) {
      const { code, stdout, stderr } = await runCli(argv);

      expect(code, argv.join(" ")).toBe(1);
      expect(stdout).toBe("");
      expect(stderr.split("\n")).toHaveLength(2);
    }
  });
});
