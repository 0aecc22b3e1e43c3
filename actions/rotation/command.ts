import { Option, type Command } from "commander";
import { cannotRun, describeCommand, type ExitHelp } from "../help.js";
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
/** rotate's and rollback's exit statuses (the README's table). */
const ROTATION_EXITS: ExitHelp = {
  clean: "done",
  findings: "failed (rolled back), or the secret is not in Secrets Manager",
  failed: cannotRun(
    "the secret is not in the policies, the policies do not validate, the store's credentials are missing",
  ),
  busy: "another run holds the claim on the secret and nothing was changed (try again later)",
};
const AWS = { regions: "environment", serviceEndpoints: false } as const;

export function registerRotation(program: Command, io: CliIO, setExit: (code: number) => void) {
  const rotate = program
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
      new Option(
        "--alert-topic <arn>",
        "SNS topic for critical alerts (default: $VAULTPILOT_ALERT_TOPIC_ARN, else the tenant's RotationAlarms topic, vaultpilot_<tenant>_rotation-alarms)",
      ),
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
  describeCommand(rotate, {
    about:
      "Audit events go to stderr as JSON lines (or to --audit-log FILE). A failed step is retried\n" +
      "(VAULTPILOT_RETRY_ATTEMPTS, VAULTPILOT_RETRY_DELAY_MS), then rolled back.",
    aws: AWS,
    exits: ROTATION_EXITS,
  });
  const versions = program
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
  describeCommand(versions, {
    aws: AWS,
    exits: {
      clean: "listed",
      findings: "the secret is not in Secrets Manager",
      failed: "could not run: usage error, the secret cannot be read (credentials, endpoint)",
    },
  });
  const rollback = program
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
  describeCommand(rollback, {
    about: "Audit events as for rotate.",
    aws: AWS,
    exits: ROTATION_EXITS,
  });
}
