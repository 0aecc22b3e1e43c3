import type { Command } from "commander";
import { cannotRun, describeCommand, type ExitHelp } from "../help.js";
import type { CliIO } from "../io.js";

/** secret init's exit statuses (the README's table). */
const INIT_EXITS: ExitHelp = {
  clean: "written",
  findings:
    "nothing written: a value exists (use --force), or the secret or its master is not deployed",
  failed: cannotRun(
    "the secret is not a postgres or mysql secret of the policies, standard input is empty, the policies do not validate, AWS cannot be reached",
  ),
};

export function registerSecret(program: Command, io: CliIO, setExit: (code: number) => void) {
  const secret = program
    .command("secret")
    .description("Write a secret's first value (secret init), where rotation does not draw it.");
  describeCommand(secret, { exits: INIT_EXITS });
  const init = secret
    .command("init")
    .description(
      "Write a postgres or mysql secret's first value from the policy's spec.connection, with the password read from standard input.",
    )
    .argument(
      "<tenant/secret>",
      "the secret, as <tenant>/<name> (Secrets Manager name vaultpilot/<tenant>/<name>)",
    )
    .option("-p, --policies <dir>", "the policy directory that describes the secret", "policies")
    .option("--force", "replace a value the secret already has (the old one becomes AWSPREVIOUS)")
    .action(async (ref: string, options: { policies: string; force?: boolean }) => {
      const { secretInitCommand } = await import("./init.js");
      setExit(await secretInitCommand(ref, options, io));
    });
  describeCommand(init, {
    about:
      "The password is read from standard input (one trailing newline removed), never from the\n" +
      "command line: vaultpilot secret init acme/orders-db < password-file\n" +
      "The value has the shape of AWS's rotation templates: engine, host, port, username, password,\n" +
      "dbname, masterarn (strategy alternating: the ARN of the policy's masterSecret) and ssl\n" +
      "(connection.tls: true).",
    aws: { regions: "environment", serviceEndpoints: false },
    exits: INIT_EXITS,
  });
}
