import { existsSync, readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { CliIO } from "../io.js";
import { AuditClients } from "./clients.js";
import { parseS3Url } from "./cloudtrail/layout.js";
import { reason } from "./cloudtrail/source.js";
import type { AuditVerifyOptions } from "./options.js";
import {
  KmsManifestVerifier,
  PublicKeyManifestVerifier,
  type ManifestVerifier,
} from "./signing.js";
import {
  DirectoryReader,
  S3Reader,
  verifyExport,
  type ExportReader,
  type VerifyStatus,
} from "./verify.js";

/** audit verify: 0 intact, 1 broken, 2 could not check. */
export const VERIFY_EXIT: Record<VerifyStatus, number> = { intact: 0, broken: 1, unchecked: 2 };

export async function verifyCommand(
  where: string,
  options: AuditVerifyOptions,
  io: CliIO,
): Promise<number> {
  const clients = new AuditClients(io.env);
  const say = (status: VerifyStatus, lines: readonly string[]) => {
    if (options.format === "json") {
      io.stdout(`${JSON.stringify({ status, lines })}\n`);
    } else {
      const head =
        status === "intact" ? "✔ intact" : status === "broken" ? "✘ broken" : "? could not check";
      io.stdout(`${head}: ${where}\n${lines.map((l) => `  ${l}\n`).join("")}`);
    }
    return VERIFY_EXIT[status];
  };
  try {
    let reader: ExportReader;
    if (where.startsWith("s3://")) {
      const url = parseS3Url(where);
      if (!url) return say("unchecked", [`"${where}" is not s3://bucket/prefix`]);
      reader = new S3Reader(clients.s3(), url.bucket, url.prefix);
    } else {
      const dir = resolve(io.cwd, where);
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        return say("unchecked", [`"${where}" is not a folder`]);
      reader = new DirectoryReader(dir, relative(io.cwd, dir) || ".");
    }
    let verifier: ManifestVerifier;
    if (options.publicKey) {
      const path = resolve(io.cwd, options.publicKey);
      try {
        verifier = new PublicKeyManifestVerifier(readFileSync(path));
      } catch (error) {
        return say("unchecked", [
          `--public-key ${options.publicKey}: not a readable PEM or DER public key (${reason(error)})`,
        ]);
      }
    } else {
      verifier = new KmsManifestVerifier((region) => clients.kms(region));
    }
    const result = await verifyExport(reader, verifier);
    return say(result.status, result.lines);
  } catch (error) {
    return say("unchecked", [reason(error)]);
  } finally {
    clients.destroy();
  }
}
