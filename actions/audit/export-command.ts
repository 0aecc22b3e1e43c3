import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { auditSigningKeyAlias } from "../../program/pulumi/audit-settings.js";
import { tenantSelected } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { keyAliasName } from "../../cloud/aws/naming.js";
import { UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { readStackFile } from "../plan/stack-files.js";
import { AuditClients } from "./clients.js";
import { parseS3Url } from "./cloudtrail/layout.js";
import {
  AwsCloudTrailPublicKeys,
  FileCloudTrailPublicKeys,
  KeyFileError,
  type CloudTrailPublicKeys,
} from "./cloudtrail/public-keys.js";
import { reason } from "./cloudtrail/source.js";
import { AUDIT_EXIT, type AuditExportOptions } from "./options.js";
import { runExport, type ExportFormat } from "./export.js";
import { summaryMarkdown, summaryText } from "./formats/summary.js";
import { FILES, type Problem } from "./manifest.js";
import { parsePeriod, previousMonth } from "./period.js";
import { KmsManifestSigner } from "./signing.js";
import { readStackAudit } from "./stack-audit.js";
import type { TenantTarget } from "./tenant-match.js";
import { uploadExport } from "./upload.js";

export async function exportCommand(options: AuditExportOptions, io: CliIO): Promise<number> {
  const clients = new AuditClients(io.env);
  try {
    return await exportWith(options, io, clients);
  } catch (error) {
    if (error instanceof UsageError || error instanceof KeyFileError) {
      io.stderr(`vaultpilot audit export: ${error.message}\n`);
    } else {
      io.stderr(`vaultpilot audit export: could not export: ${reason(error)}\n`);
    }
    return AUDIT_EXIT.failed;
  } finally {
    clients.destroy();
  }
}

async function exportWith(
  options: AuditExportOptions,
  io: CliIO,
  clients: AuditClients,
): Promise<number> {
  // Everything that can be refused is refused before any AWS call.
  let from = options.from;
  let to = options.to;
  if (options.previousMonth) {
    if (from || to)
      throw new UsageError("give either --previous-month or --from and --to, not both");
    ({ from, to } = previousMonth(new Date()));
  }
  if (!from || !to)
    throw new UsageError(
      "give the period: --from YYYY-MM-DD --to YYYY-MM-DD (or --previous-month)",
    );
  const period = parsePeriod(from, to);
  const formats = options.format.split(",").map((f) => f.trim());
  for (const f of formats) {
    if (f !== "jsonl" && f !== "csv")
      throw new UsageError(`--format takes jsonl, csv or jsonl,csv; got "${options.format}"`);
  }
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 64, got "${options.concurrency}"`,
    );
  }
  const stack = options.stack ? readStackFile(io.cwd, options.stack) : undefined;
  const audit = options.stack ? readStackAudit(io.cwd, options.stack) : undefined;
  const policyDir = policyDirectory(io.cwd, options.policies ?? stack?.policyDir ?? "policies");
  const validation = validatePolicies(policyDir);
  if (!validation.model) {
    const first = validation.diagnostics.find((d) => d.severity === "error");
    throw new UsageError(
      `the policies in ${relative(io.cwd, policyDir) || "."} do not validate` +
        (first ? ` (${first.file}:${first.line}:${first.column} ${first.message})` : "") +
        "; run vaultpilot validate",
    );
  }
  let tenants = validation.model.tenants.filter(
    (t) => !stack || tenantSelected(t.name, stack.tenants),
  );
  if (options.tenant) {
    const known = tenants.map((t) => t.name).sort();
    tenants = tenants.filter((t) => t.name === options.tenant);
    if (tenants.length === 0) {
      throw new UsageError(
        `no tenant "${options.tenant}"${options.stack ? ` in stack ${options.stack}` : ""} (tenants: ${known.join(", ") || "none"})`,
      );
    }
  }
  if (tenants.length === 0) throw new UsageError(`stack ${options.stack} has no tenants`);
  const trailUrl = options.trail ?? audit?.trailLocation;
  const trail = trailUrl ? parseS3Url(trailUrl) : undefined;
  if (trailUrl && !trail)
    throw new UsageError(`--trail must be s3://bucket or s3://bucket/prefix, got "${trailUrl}"`);
  if (options.upload === true && !audit) {
    throw new UsageError(
      "--upload without a URL needs --stack (its archive bucket); or give --upload s3://bucket/prefix",
    );
  }
  const uploadUrl =
    options.upload === true
      ? `s3://${audit!.bucketName}/exports/${options.stack}/${period.from}_${period.to}/`
      : options.upload;
  const upload = uploadUrl ? parseS3Url(uploadUrl) : undefined;
  if (uploadUrl && !upload)
    throw new UsageError(`--upload must be s3://bucket/prefix, got "${uploadUrl}"`);
  const signingKey =
    options.signingKey ?? (options.stack ? auditSigningKeyAlias(options.stack) : undefined);
  if (!signingKey) {
    throw new UsageError(
      "give --signing-key (an asymmetric KMS key for RSASSA_PSS_SHA_256), or --stack to use alias/vaultpilot/audit/<stack>",
    );
  }
  const regions = options.regions
    ?.split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions && !regions.every((r) => /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/.test(r))) {
    throw new UsageError(
      `--regions must be AWS regions separated by commas, such as us-east-1,eu-west-1; got "${options.regions}"`,
    );
  }
  const scope = options.tenant ?? options.stack ?? "all";
  const outDir = resolve(io.cwd, options.out ?? `audit-${scope}-${period.from}-${period.to}`);
  if (existsSync(resolve(outDir, FILES.manifest))) {
    throw new UsageError(
      `${relative(io.cwd, outDir) || "."} already holds an export (manifest.json); choose another --out, evidence is never overwritten`,
    );
  }
  const publicKeys: CloudTrailPublicKeys =
    options.cloudtrailPublicKeys.length > 0
      ? new FileCloudTrailPublicKeys(options.cloudtrailPublicKeys, (p) => resolve(io.cwd, p))
      : new AwsCloudTrailPublicKeys((region) => clients.cloudTrail(region));

  // The tenants' keys by ARN, so events naming the key by id or ARN are found too.
  const problems: Problem[] = [];
  const targets: TenantTarget[] = [];
  for (const t of tenants) {
    const alias = keyAliasName(t.name);
    let keyArns: string[] = [];
    try {
      const out = await clients.kms(t.aws.region).send(new DescribeKeyCommand({ KeyId: alias }));
      if (out.KeyMetadata?.Arn) keyArns = [out.KeyMetadata.Arn];
    } catch (error) {
      problems.push({
        kind: "key-unresolved",
        object: `kms:${t.aws.region}:${t.aws.account}:${alias}`,
        detail: `DescribeKey failed (${reason(error)}): events naming the key only by id or ARN are not matched; events naming the alias are`,
      });
    }
    targets.push({ name: t.name, account: t.aws.account, region: t.aws.region, keyArns });
  }
  const homeRegion = stack?.region;
  const signer = new KmsManifestSigner(clients.kms(homeRegion), signingKey);
  const { manifest, files } = await runExport({
    period,
    stack: options.stack ?? null,
    tenants: targets,
    ...(trail && { trail }),
    ...(regions && { regions }),
    s3: clients.s3(homeRegion),
    logs: (region) => clients.logs(region),
    publicKeys,
    signer,
    signingKeyId: signingKey,
    mask: [...(audit?.maskFields ?? []), ...options.mask],
    formats: formats as ExportFormat[],
    outDir,
    now: new Date(),
    concurrency,
    problems,
  });
  const shown = files.map((f) => relative(io.cwd, f) || f);
  let uploaded: { url: string; lock: string }[] | undefined;
  if (upload) {
    try {
      uploaded = await uploadExport(clients.s3(homeRegion), upload.bucket, upload.prefix, files);
    } catch (error) {
      io.stdout(summaryText(manifest, { files: shown }));
      io.stderr(
        `vaultpilot audit export: the export is in ${relative(io.cwd, outDir) || "."}, but uploading it to ${uploadUrl} failed: ${reason(error)}\n`,
      );
      return AUDIT_EXIT.failed;
    }
  }
  const delivery = { files: shown, ...(uploaded && { uploaded }) };
  io.stdout(
    options.summary === "markdown"
      ? summaryMarkdown(manifest, delivery)
      : summaryText(manifest, delivery),
  );
  return manifest.problemCount > 0 ? AUDIT_EXIT.findings : AUDIT_EXIT.clean;
}
