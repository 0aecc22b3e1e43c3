import { Option, type Command } from "commander";
import type { CliIO } from "../io.js";

const POLICIES = [
  "-p, --policies <dir>",
  "the policy directory that describes the secret",
  "policies",
] as const;

const QUIET = ["-q, --quiet", "print nothing but errors (no audit lines, no result line)"] as const;
const AUDIT_LOG = [
  "--audit-log <file>",
  "append the audit lines (JSON, one per event) to this file instead of the terminal",
] as const;
const EXIT_STATUS =
  "Exit status: 0 done, 1 failed (rolled back) or the secret is not in Secrets Manager, 2 usage error,\n" +
  "75 busy: another run holds the claim on the secret and nothing was changed (try again later).";

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
    .option(...QUIET)
    .option(...AUDIT_LOG)
    .addOption(
      new Option("--alert-topic <arn>", "SNS topic for critical alerts").default(
        undefined,
        "the tenant's RotationAlarms topic, vaultpilot_<tenant>_rotation-alarms",
      ),
    )
    .addHelpText(
      "after",
      "\nUses the AWS SDK's usual configuration: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws.\n" +
        "Audit events go to stderr as JSON lines (or to --audit-log FILE).\n" +
        EXIT_STATUS,
    )
    .action(
      async (
        ref: string,
        options: {
          policies: string;
          reload: boolean;
          alertTopic?: string;
          quiet?: boolean;
          auditLog?: string;
        },
      ) => {
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
    .option(
      "-p, --policies <dir>",
      "also check that the policies in this directory describe the secret",
    )
    .action(async (ref: string, options: { format: "text" | "json"; policies?: string }) => {
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
    .option(...QUIET)
    .option(...AUDIT_LOG)
    .addHelpText("after", `\n${EXIT_STATUS}`)
    .action(
      async (
        ref: string,
        options: {
          policies: string;
          reload: boolean;
          to?: string;
          quiet?: boolean;
          auditLog?: string;
        },
      ) => {
        const { rollbackCommand } = await import("./rollback.js");
        setExit(await rollbackCommand(ref, options, io));
      },
    );
}
