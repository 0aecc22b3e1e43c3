import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * Uploads the export's files under `s3://bucket/prefix`, the signature last, so an interrupted
 * upload never looks complete to `audit verify`. The archive bucket's default Object Lock
 * retention applies to each new object version; HeadObject reads back the lock (moto's
 * GetObjectRetention is broken), and the result says it for each file.
 */
export async function uploadExport(
  s3: S3Client,
  bucket: string,
  prefix: string,
  files: readonly string[],
): Promise<{ url: string; lock: string }[]> {
  const uploaded: { url: string; lock: string }[] = [];
  for (const path of files) {
    const key = `${prefix}${basename(path)}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: statSync(path).size,
        ContentType: path.endsWith(".csv")
          ? "text/csv"
          : path.endsWith(".jsonl")
            ? "application/x-ndjson"
            : "application/json",
        // Object Lock buckets refuse a PUT without an integrity checksum.
        ChecksumAlgorithm: "SHA256",
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const lock = head.ObjectLockMode
      ? `Object Lock ${head.ObjectLockMode} until ${head.ObjectLockRetainUntilDate?.toISOString() ?? "?"}`
      : "not locked: the bucket has no default Object Lock retention";
    uploaded.push({ url: `s3://${bucket}/${key}`, lock });
  }
  return uploaded;
}
