import { createHash, type Hash } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from "node:fs";
import { join } from "node:path";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { S3Client } from "@aws-sdk/client-s3";
import { ChainWriter } from "./chain.js";
import type { TrailLocation } from "./cloudtrail/layout.js";
import type { CloudTrailPublicKeys } from "./cloudtrail/public-keys.js";
import { readCloudTrail } from "./cloudtrail/source.js";
import { csvHeader, csvRow } from "./formats/csv.js";
import {
  FILES,
  MANIFEST_FORMAT,
  MAX_PROBLEMS,
  signingStatement,
  type AuditManifest,
  type CloudTrailSourceResult,
  type ExportedFile,
  type ManifestSignature,
  type Problem,
  type RotationLogSourceResult,
} from "./manifest.js";
import { maskFields } from "./mask.js";
import type { Period } from "./period.js";
import type { AuditRecord } from "./record.js";
import { readRotationLogs } from "./rotation-logs.js";
import type { ManifestSigner } from "./signing.js";
import { TenantMatcher, type TenantTarget } from "./tenant-match.js";

export type ExportFormat = "jsonl" | "csv";

export interface ExportInput {
  readonly period: Period;
  readonly stack: string | null;
  readonly tenants: readonly TenantTarget[];
  /** The trail's bucket; undefined exports the rotation logs only (said in the manifest). */
  readonly trail?: TrailLocation;
  /** Regions whose CloudTrail folders are read. @default - the tenants' regions and us-east-1 (IAM, STS) */
  readonly regions?: readonly string[];
  readonly s3: S3Client;
  readonly logs: (region: string) => CloudWatchLogsClient;
  readonly publicKeys: CloudTrailPublicKeys;
  readonly signer: ManifestSigner;
  readonly signingKeyId: string;
  /** Extra fields to mask, beyond DEFAULT_MASKED_FIELDS. */
  readonly mask: readonly string[];
  /** jsonl is always written (the chain lives there); csv beside it. */
  readonly formats: readonly ExportFormat[];
  readonly outDir: string;
  readonly now: Date;
  readonly concurrency?: number;
  /** Problems found before the export started (a tenant key that could not be resolved). */
  readonly problems?: readonly Problem[];
}

export interface ExportResult {
  readonly manifest: AuditManifest;
  readonly files: readonly string[];
}

/** A stream writer that waits when the file's buffer is full, and hashes what it writes. */
class HashedFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash("sha256");
  bytes = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: "wx" });
  }

  async write(text: string): Promise<void> {
    const data = Buffer.from(text, "utf8");
    this.hash.update(data);
    this.bytes += data.length;
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        this.stream.once("drain", resolve);
        this.stream.once("error", reject);
      });
    }
  }

  async close(): Promise<string> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return this.hash.digest("hex");
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/**
 * Exports the period's evidence for the tenants into `outDir`: events.jsonl (hash-chained),
 * events.csv, manifest.json and manifest.sig. Files are written under `.partial` names and renamed
 * only once the manifest is signed, so a failed export leaves nothing that looks complete.
 */
export async function runExport(input: ExportInput): Promise<ExportResult> {
  mkdirSync(input.outDir, { recursive: true });
  const partial = (name: string) => join(input.outDir, `.${name}.partial`);
  const names = [FILES.jsonl, ...(input.formats.includes("csv") ? [FILES.csv] : [])];
  const written = [...names, FILES.manifest, FILES.signature];
  for (const name of written) rmSync(partial(name), { force: true });
  const jsonl = new HashedFile(partial(FILES.jsonl));
  const csv = input.formats.includes("csv") ? new HashedFile(partial(FILES.csv)) : undefined;
  try {
    const chain = new ChainWriter();
    const perTenant: Record<string, number> = Object.fromEntries(
      input.tenants.map((t) => [t.name, 0]),
    );
    const problems: Problem[] = [];
    let problemCount = 0;
    const problem = (p: Problem) => {
      problemCount++;
      if (problems.length < MAX_PROBLEMS) problems.push(p);
    };
    for (const p of input.problems ?? []) problem(p);
    await csv?.write(csvHeader());
    const write = async (records: readonly AuditRecord[]) => {
      for (const record of records) {
        const line = chain.next(record);
        await jsonl.write(`${line}\n`);
        await csv?.write(csvRow(chain.summary.lines, record));
        perTenant[record.tenant] = (perTenant[record.tenant] ?? 0) + 1;
      }
    };
    const fields = maskFields(input.mask);
    const matcher = new TenantMatcher(input.tenants);

    let cloudTrail: CloudTrailSourceResult[] = [];
    if (input.trail) {
      const regions =
        input.regions ?? [...new Set([...input.tenants.map((t) => t.region), "us-east-1"])].sort();
      cloudTrail = await readCloudTrail({
        s3: input.s3,
        location: input.trail,
        accounts: input.tenants.map((t) => t.account),
        regions,
        period: input.period,
        keys: input.publicKeys,
        matcher,
        mask: fields,
        ...(input.concurrency && { concurrency: input.concurrency }),
        write,
        problem,
      });
    } else {
      problem({
        kind: "source-unreadable",
        object: "CloudTrail",
        detail:
          "no trail bucket given (--trail or the stack's vaultpilot:auditTrailBucket): API calls are not in this export",
      });
    }
    const rotationLogs: RotationLogSourceResult[] = [];
    for (const t of input.tenants) {
      rotationLogs.push(
        ...(await readRotationLogs({
          logs: input.logs(t.region),
          tenant: t.name,
          region: t.region,
          period: input.period,
          mask: fields,
          write,
          problem,
        })),
      );
    }
    const files: ExportedFile[] = [
      { name: FILES.jsonl, bytes: jsonl.bytes, sha256: await jsonl.close() },
    ];
    if (csv) files.push({ name: FILES.csv, bytes: csv.bytes, sha256: await csv.close() });
    const manifest: AuditManifest = {
      format: MANIFEST_FORMAT,
      createdAt: input.now.toISOString(),
      period: { from: input.period.from, to: input.period.to },
      stack: input.stack,
      tenants: input.tenants.map((t) => t.name).sort(),
      sources: { cloudTrail, rotationLogs },
      problems,
      problemCount,
      counts: { records: chain.summary.lines, perTenant },
      maskedFields: [...fields].sort(),
      chain: chain.summary,
      files,
      signing: { keyId: input.signingKeyId, algorithm: "RSASSA_PSS_SHA_256" },
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8");
    const signed = await input.signer.sign(Buffer.from(signingStatement(manifestBytes), "utf8"));
    const signature: ManifestSignature = {
      keyId: signed.keyId,
      algorithm: "RSASSA_PSS_SHA_256",
      messageType: "RAW",
      signature: Buffer.from(signed.signature).toString("base64"),
    };
    writeFileSync(partial(FILES.manifest), manifestBytes, { flag: "wx" });
    writeFileSync(partial(FILES.signature), `${JSON.stringify(signature, null, 2)}\n`, {
      flag: "wx",
    });
    for (const name of written) renameSync(partial(name), join(input.outDir, name));
    return { manifest, files: written.map((n) => join(input.outDir, n)) };
  } catch (error) {
    jsonl.destroy();
    csv?.destroy();
    for (const name of written) rmSync(partial(name), { force: true });
    throw error;
  }
}
