import { Option, type Command } from "commander";
import type { CliIO } from "../io.js";

const POLICIES = [
  "-p, --policies <dir>",
  "the policy directory that describes the secret",
  "policies",
] as const;

export function registerRotation(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("rotate")
    .description(
      "Rotate one secret now, running the same four steps as the rotation Lambda, then reload its consumers.",
    )
    .argument(
      "<tenant/secret>",
      "the secret, as <tenant>/<name> (Secrets Manager name vaultpilot/<tenant>/<name>)",
    )
    .option(...POLICIES)
    .option(
      "--no-reload",
      "do not reload the consumers (they must read the secret again by themselves)",
    )
    .addOption(
      new Option("--alert-topic <arn>", "SNS topic for critical alerts").default(
        undefined,
        "the tenant's RotationAlarms topic, vaultpilot_<tenant>_rotation-alarms",
      ),
    )
    .addHelpText(
      "after",
      "\nUses the AWS SDK's usual configuration: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws.\n" +
        "Audit events go to stderr as JSON lines. Exit status: 0 rotated, 1 failed and rolled back, 2 usage error.",
    )
    .action(
      async (ref: string, options: { policies: string; reload: boolean; alertTopic?: string }) => {
        const { rotateCommand } = await import("./rotate.js");
        setExit(await rotateCommand(ref, options, io));
      },
    );
  program
    .command("versions")
    .description("List a secret's versions with their stages and dates (never the values).")
    .argument("<tenant/secret>", "the secret, as <tenant>/<name>")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action(async (ref: string, options: { format: "text" | "json" }) => {
      const { versionsCommand } = await import("./versions.js");
      setExit(await versionsCommand(ref, options, io));
    });
  program
    .command("rollback")
    .description(
      "Put AWSCURRENT (and a database password) back on an earlier version, AWSPREVIOUS by default.",
    )
    .argument("<tenant/secret>", "the secret, as <tenant>/<name>")
    .option("--to <version>", "the version id to go back to; one of the last 10")
    .option(...POLICIES)
    .option("--no-reload", "do not reload the consumers")
    .action(async (ref: string, options: { policies: string; reload: boolean; to?: string }) => {
      const { rollbackCommand } = await import("./rollback.js");
      setExit(await rollbackCommand(ref, options, io));
    });
}
