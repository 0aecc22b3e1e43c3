import { createHash, createPublicKey, verify } from "node:crypto";

/**
 * A CloudTrail digest file, the fields VaultPilot checks (AWS CloudTrail User Guide, "CloudTrail
 * digest file structure"). Times are ISO 8601 UTC; hashes hex SHA-256 of the uncompressed files.
 */
export interface DigestFile {
  readonly awsAccountId: string;
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly digestPublicKeyFingerprint: string;
  readonly digestSignatureAlgorithm: string;
  readonly previousDigestS3Bucket: string | null;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestSignature: string | null;
  readonly logFiles: readonly DigestedLogFile[];
}

export interface DigestedLogFile {
  readonly s3Bucket: string;
  readonly s3Object: string;
  /** Hex SHA-256 of the log file's uncompressed content. */
  readonly hashValue: string;
}

/** A public key CloudTrail signs digests with, as `ListPublicKeys` returns it. */
export interface CloudTrailPublicKey {
  /** Hex fingerprint, as digests name it in `digestPublicKeyFingerprint`. */
  readonly fingerprint: string;
  /** The RSA public key, DER-encoded PKCS #1 (`ListPublicKeys`' `Value`). */
  readonly der: Uint8Array;
  readonly validFrom?: Date;
  readonly validTo?: Date;
}

/**
 * Parses a digest file's uncompressed JSON; throws a one-line reason when it is not one.
 * Unknown fields are ignored (AWS adds fields over time).
 */
export function parseDigest(text: string): DigestFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("not a JSON object");
  }
  const o = value as Record<string, unknown>;
  const str = (key: string): string => {
    const v = o[key];
    if (typeof v !== "string" || v === "")
      throw new Error(`field ${key} is missing or not a string`);
    return v;
  };
  const nullable = (key: string): string | null => {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw new Error(`field ${key} is not a string`);
    return v;
  };
  if (!Array.isArray(o.logFiles)) throw new Error("field logFiles is missing or not a list");
  const logFiles = o.logFiles.map((f, i) => {
    const file = (f ?? {}) as Record<string, unknown>;
    for (const key of ["s3Bucket", "s3Object", "hashValue"]) {
      if (typeof file[key] !== "string") throw new Error(`logFiles[${i}].${key} is missing`);
    }
    return {
      s3Bucket: file.s3Bucket as string,
      s3Object: file.s3Object as string,
      hashValue: (file.hashValue as string).toLowerCase(),
    };
  });
  return {
    awsAccountId: str("awsAccountId"),
    digestStartTime: str("digestStartTime"),
    digestEndTime: str("digestEndTime"),
    digestS3Bucket: str("digestS3Bucket"),
    digestS3Object: str("digestS3Object"),
    digestPublicKeyFingerprint: str("digestPublicKeyFingerprint"),
    digestSignatureAlgorithm: str("digestSignatureAlgorithm"),
    previousDigestS3Bucket: nullable("previousDigestS3Bucket"),
    previousDigestS3Object: nullable("previousDigestS3Object"),
    previousDigestHashValue: nullable("previousDigestHashValue"),
    previousDigestSignature: nullable("previousDigestSignature"),
    logFiles,
  };
}

/**
 * The string CloudTrail signs for a digest ("Custom implementations of CloudTrail log file
 * integrity validation", the data signing string): the digest's end time, its S3 path
 * (`bucket/key`), the hex SHA-256 of its uncompressed content and the previous digest's hex
 * signature, one per line; the first digest of a chain has no previous one and uses `null`.
 */
export function digestStringToSign(digest: DigestFile, uncompressed: Uint8Array): string {
  return [
    digest.digestEndTime,
    `${digest.digestS3Bucket}/${digest.digestS3Object}`,
    sha256Hex(uncompressed),
    digest.previousDigestSignature ?? "null",
  ].join("\n");
}

/** Why a digest's signature was not accepted, or undefined when it verifies. */
export function checkDigestSignature(
  digest: DigestFile,
  uncompressed: Uint8Array,
  signatureHex: string | undefined,
  keys: readonly CloudTrailPublicKey[],
): string | undefined {
  if (digest.digestSignatureAlgorithm !== "SHA256withRSA") {
    return `signature algorithm ${digest.digestSignatureAlgorithm} is not SHA256withRSA`;
  }
  if (!signatureHex || !/^[0-9a-fA-F]+$/.test(signatureHex)) {
    return "the object has no x-amz-meta-signature";
  }
  const key = keys.find(
    (k) => k.fingerprint.toLowerCase() === digest.digestPublicKeyFingerprint.toLowerCase(),
  );
  if (!key) {
    return `no CloudTrail public key with fingerprint ${digest.digestPublicKeyFingerprint} for this period`;
  }
  let ok: boolean;
  try {
    const publicKey = createPublicKey({ key: Buffer.from(key.der), format: "der", type: "pkcs1" });
    ok = verify(
      "sha256",
      Buffer.from(digestStringToSign(digest, uncompressed), "utf8"),
      publicKey,
      Buffer.from(signatureHex, "hex"),
    );
  } catch {
    return `the public key with fingerprint ${key.fingerprint} could not be loaded as PKCS #1`;
  }
  return ok ? undefined : "the signature does not verify";
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
