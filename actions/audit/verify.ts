import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ChainVerifier, type ChainSummary } from "./chain.js";
import {
  FILES,
  MANIFEST_FORMAT,
  signingStatement,
  type AuditManifest,
  type ManifestSignature,
} from "./manifest.js";
import type { ManifestVerifier } from "./signing.js";

/** Reads an export's files from a directory or an S3 prefix. */
export interface ExportReader {
  /** The whole file (manifest, signature), or undefined when it is not there. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** The file as a stream of chunks, or undefined when it is not there. */
  stream(name: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  where(name: string): string;
}

export class DirectoryReader implements ExportReader {
  constructor(
    private readonly dir: string,
    private readonly shown: string,
  ) {}
  async read(name: string) {
    const path = join(this.dir, name);
    return existsSync(path) ? readFileSync(path) : undefined;
  }
  async stream(name: string) {
    const path = join(this.dir, name);
    return existsSync(path) ? (createReadStream(path) as AsyncIterable<Uint8Array>) : undefined;
  }
  where(name: string) {
    return join(this.shown, name);
  }
}

export class S3Reader implements ExportReader {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}
  private async get(name: string) {
    try {
      return await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${name}` }),
      );
    } catch (error) {
      if (error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound"))
        return undefined;
      throw error;
    }
  }
  async read(name: string) {
    const out = await this.get(name);
    return out?.Body ? await out.Body.transformToByteArray() : undefined;
  }
  async stream(name: string) {
    const out = await this.get(name);
    return out?.Body ? (out.Body as Readable as AsyncIterable<Uint8Array>) : undefined;
  }
  where(name: string) {
    return `s3://${this.bucket}/${this.prefix}${name}`;
  }
}

export type VerifyStatus = "intact" | "broken" | "unchecked";

export interface VerifyResult {
  readonly status: VerifyStatus;
  /** One line each: what was checked, or what broke (the first broken line named). */
  readonly lines: readonly string[];
  readonly manifest?: AuditManifest;
}

/** Thrown when an export cannot be checked at all (missing manifest, unreachable KMS). */
class Unchecked extends Error {}

/**
 * Checks an export: the manifest's signature (KMS Verify or the public key), then every file the
 * manifest lists (size and SHA-256), and the JSONL's hash chain line by line, naming the first
 * line that breaks. intact: all hold; broken: something was changed; unchecked: could not tell.
 */
export async function verifyExport(
  reader: ExportReader,
  verifier: ManifestVerifier,
): Promise<VerifyResult> {
  const lines: string[] = [];
  try {
    const manifestBytes = await reader.read(FILES.manifest);
    if (!manifestBytes)
      throw new Unchecked(`${reader.where(FILES.manifest)} not found: is this an export folder?`);
    const sigBytes = await reader.read(FILES.signature);
    if (!sigBytes)
      throw new Unchecked(
        `${reader.where(FILES.signature)} not found: the manifest cannot be checked without its signature`,
      );
    let sig: ManifestSignature;
    try {
      sig = JSON.parse(Buffer.from(sigBytes).toString("utf8")) as ManifestSignature;
      if (typeof sig.signature !== "string" || typeof sig.keyId !== "string")
        throw new Error("fields");
    } catch {
      return {
        status: "broken",
        lines: [`${reader.where(FILES.signature)} is not a signature file (edited?)`],
      };
    }
    let valid: boolean;
    try {
      valid = await verifier.verify(
        sig.keyId,
        Buffer.from(signingStatement(manifestBytes), "utf8"),
        Buffer.from(sig.signature, "base64"),
      );
    } catch (error) {
      throw new Unchecked(
        `could not check the signature with ${verifier.how}: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error)}`,
      );
    }
    if (!valid) {
      return {
        status: "broken",
        lines: [
          `${reader.where(FILES.manifest)} does not match its signature (key ${sig.keyId}, checked with ${verifier.how}): the manifest or the signature was changed`,
        ],
      };
    }
    lines.push(`manifest signature verifies (key ${sig.keyId}, ${verifier.how})`);
    const manifest = JSON.parse(Buffer.from(manifestBytes).toString("utf8")) as AuditManifest;
    if (manifest.format !== MANIFEST_FORMAT)
      throw new Unchecked(
        `the manifest's format is ${JSON.stringify(manifest.format)}, not ${MANIFEST_FORMAT}`,
      );
    for (const file of manifest.files) {
      const problem = await checkFile(
        reader,
        file,
        file.name === FILES.jsonl ? manifest.chain : undefined,
      );
      if (problem) return { status: "broken", lines: [...lines, problem], manifest };
      lines.push(
        file.name === FILES.jsonl
          ? `${reader.where(file.name)}: ${manifest.chain.lines} lines, the hash chain holds, SHA-256 matches`
          : `${reader.where(file.name)}: SHA-256 matches`,
      );
    }
    return { status: "intact", lines, manifest };
  } catch (error) {
    if (error instanceof Unchecked)
      return { status: "unchecked", lines: [...lines, error.message] };
    throw error;
  }
}

async function checkFile(
  reader: ExportReader,
  file: { name: string; bytes: number; sha256: string },
  chain: ChainSummary | undefined,
): Promise<string | undefined> {
  const where = reader.where(file.name);
  const stream = await reader.stream(file.name);
  if (!stream) return `${where} is missing (the manifest lists it)`;
  const hash = createHash("sha256");
  let bytes = 0;
  const verifier = chain ? new ChainVerifier(chain) : undefined;
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
    if (verifier) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      rest = parts.pop()!;
      for (const line of parts) verifier.push(line);
    }
  }
  if (verifier) {
    rest += decoder.decode();
    if (rest !== "") verifier.push(rest);
    const broken = verifier.end();
    if (broken) return `${where}: line ${broken.line} ${broken.reason}`;
  }
  const actual = hash.digest("hex");
  if (actual !== file.sha256 || bytes !== file.bytes) {
    return `${where} was changed: its SHA-256 is ${actual} (${bytes} bytes), the manifest records ${file.sha256} (${file.bytes} bytes)`;
  }
  return undefined;
}
