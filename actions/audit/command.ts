import { Option, type Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import type { AuditExportOptions, AuditVerifyOptions } from "./options.js";

const EXPORT_EXITS = {
  clean: "exported, and every log file read was listed by a valid digest",
  findings: "exported, with gaps in the evidence, each named in the manifest and the summary",
  failed: cannotRun("credentials refused, endpoint unreachable, the manifest could not be signed"),
};

const EXPORT_ABOUT = `
Sources: the trail's S3 bucket, listed by the period's day prefixes (AWSLogs/<account>/ and, for
organization trails, AWSLogs/<o-id>/<account>/), each log file streamed through gunzip; digest
files validated as CloudTrail documents (SHA-256 of each log file, the chain of digest signatures,
RSA signatures with CloudTrail's public keys); and the rotation functions' log groups
(/vaultpilot/<tenant>/rotation/*) through FilterLogEvents. LookupEvents is not used.

Every line of events.jsonl carries the SHA-256 of the line before it; manifest.json (period,
tenants, sources, digest results, problems, counts, hashes) is signed with KMS (RSASSA_PSS_SHA_256)
into manifest.sig. Check it with \`vaultpilot audit verify\`.`;

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAudit(program: Command, io: CliIO, setExit: (code: number) => void) {
  const audit = program
    .command("audit")
    .description(
      "Export a tenant's audit trail (CloudTrail and rotation logs), signed, and verify an export.",
    );
  describeCommand(audit, {
    about: "Subcommands: `audit export` writes an export, `audit verify` checks one.",
    exits: EXPORT_EXITS,
  });
  const exportCommand = audit
    .command("export")
    .description(
      "Export every event on the tenants' secrets, keys and roles over a period: hash-chained JSONL, CSV and a KMS-signed manifest.",
    )
    .option("--from <date>", "first day, YYYY-MM-DD (UTC)")
    .option("--to <date>", "last day, YYYY-MM-DD (UTC), included")
    .option(
      "--previous-month",
      "the calendar month before today (what the monthly workflow exports)",
      false,
    )
    .option("--tenant <name>", "one tenant (default: every tenant of --stack, or of the policies)")
    .option("--stack <name>", "the stack's tenants and audit settings (Pulumi.<stack>.yaml)")
    .option(
      "-p, --policies <dir>",
      "the policy directory (default: the stack's vaultpilot:policyDir, else policies)",
    )
    .option(
      "--format <formats>",
      "jsonl, csv or jsonl,csv; the JSONL (which carries the hash chain) is always written",
      "jsonl,csv",
    )
    .option("-o, --out <dir>", "where to write (default: audit-<tenant|stack|all>-<from>-<to>)")
    .option(
      "--upload [s3url]",
      "also upload the files to s3://bucket/prefix; without a URL, to the stack's AuditArchive bucket under exports/<stack>/<from>_<to>/",
    )
    .addOption(
      new Option(
        "--trail <s3url>",
        "the CloudTrail bucket, s3://bucket[/prefix] (default: the stack's vaultpilot:auditTrailBucket)",
      ).env("VAULTPILOT_AUDIT_TRAIL"),
    )
    .addOption(
      new Option(
        "--signing-key <key>",
        "the asymmetric KMS key that signs the manifest: id, ARN or alias (default: alias/vaultpilot/audit/<stack>)",
      ).env("VAULTPILOT_AUDIT_SIGNING_KEY"),
    )
    .option(
      "--regions <list>",
      "CloudTrail regions to read, comma-separated (default: the tenants' regions and us-east-1)",
    )
    .option(
      "--cloudtrail-public-keys <file>",
      "CloudTrail's public keys saved with `aws cloudtrail list-public-keys --output json` ([region=]file; repeatable) instead of calling ListPublicKeys",
      collect,
      [],
    )
    .option(
      "--mask <field>",
      "mask this event field too (repeatable; the stack's vaultpilot:auditMaskFields are added)",
      collect,
      [],
    )
    .addOption(
      new Option("--summary <format>", "summary format on stdout")
        .choices(["text", "markdown"])
        .default("text"),
    )
    .option("--concurrency <n>", "log files read at once", "8")
    .action(async (options: AuditExportOptions) => {
      const { exportCommand } = await import("./export-command.js");
      setExit(await exportCommand(options, io));
    });
  describeCommand(exportCommand, {
    about: EXPORT_ABOUT,
    aws: { regions: "policies", serviceEndpoints: true },
    exits: EXPORT_EXITS,
  });
  const verify = audit
    .command("verify")
    .description(
      "Check an export: the manifest's signature, every file's hash, and the JSONL's hash chain.",
    )
    .argument("<export>", "the export's folder, or s3://bucket/prefix where it was uploaded")
    .option(
      "--public-key <file>",
      "check the signature offline with this public key (PEM or DER, from KMS GetPublicKey) instead of KMS Verify",
    )
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .action(async (where: string, options: AuditVerifyOptions) => {
      const { verifyCommand } = await import("./verify-command.js");
      setExit(await verifyCommand(where, options, io));
    });
  describeCommand(verify, {
    aws: { regions: "environment", serviceEndpoints: true },
    exits: {
      clean: "intact: the manifest's signature verifies, and every file and line matches it",
      findings: "broken: the first changed line or file is named",
      failed: cannotRun("no export there, KMS unreachable or refusing", { policies: false }),
    },
  });
}
