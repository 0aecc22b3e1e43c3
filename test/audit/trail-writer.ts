import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { gzipSync } from "node:zlib";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { CloudTrailPublicKey } from "../../actions/audit/cloudtrail/digest.js";
import type { CloudTrailPublicKeys } from "../../actions/audit/cloudtrail/public-keys.js";

/**
 * Writes what a CloudTrail trail with log file validation delivers, in the formats AWS documents
 * (User Guide: "CloudTrail log file examples", "CloudTrail digest file structure", "Custom
 * implementations of CloudTrail log file integrity validation"), into moto's S3, because moto's
 * trails write nothing. Digests are signed SHA256withRSA with a key pair this writer generates;
 * `publicKeys` is the test side of the CloudTrailPublicKeys port.
 */
export class TrailWriter {
  readonly privateKey: KeyObject;
  readonly publicKey: CloudTrailPublicKey;
  private pending: { key: string; hash: string; oldest: string; newest: string }[] = [];
  private previous: { key: string; hash: string; signature: string } | undefined;
  private seq = 0;

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    readonly options: {
      account: string;
      region: string;
      trail?: string;
      organization?: string;
      prefix?: string;
    },
  ) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    const der = pair.publicKey.export({ format: "der", type: "pkcs1" });
    this.publicKey = { fingerprint: createHash("md5").update(der).digest("hex"), der };
  }

  private owner() {
    const { account, organization, prefix } = this.options;
    return `${prefix ?? ""}AWSLogs/${organization ? `${organization}/` : ""}${account}/`;
  }

  logKey(deliveredAt: Date): string {
    const { account, region } = this.options;
    const day = deliveredAt.toISOString().slice(0, 10).replace(/-/g, "/");
    const stamp = deliveredAt.toISOString().replace(/[-:]/g, "").slice(0, 13);
    this.seq++;
    return `${this.owner()}CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${stamp}Z_t${String(this.seq).padStart(12, "0")}.json.gz`;
  }

  /** Delivers a log file of `records`; `body` replaces the gzipped JSON (for broken files). */
  async putLogFile(
    deliveredAt: Date,
    records: readonly object[],
    options: { body?: Buffer; undigested?: boolean } = {},
  ) {
    const key = this.logKey(deliveredAt);
    const json = JSON.stringify({ Records: records });
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: options.body ?? gzipSync(json),
        ContentType: "application/json",
      }),
    );
    if (!options.undigested) {
      const times = records
        .map((r) => String((r as { eventTime?: string }).eventTime ?? deliveredAt.toISOString()))
        .sort();
      this.pending.push({
        key,
        hash: createHash("sha256").update(json).digest("hex"),
        oldest: times[0] ?? deliveredAt.toISOString(),
        newest: times.at(-1) ?? deliveredAt.toISOString(),
      });
    }
    return key;
  }

  /** Lists in the next digest a file that is not in the bucket. */
  addPhantom(deliveredAt: Date) {
    this.pending.push({
      key: this.logKey(deliveredAt),
      hash: "0".repeat(64),
      oldest: deliveredAt.toISOString(),
      newest: deliveredAt.toISOString(),
    });
  }

  /** Delivers the digest for the files since the last one, chained to it; `signWith` forges. */
  async putDigest(endTime: Date, options: { signWith?: KeyObject } = {}) {
    const { account, region } = this.options;
    const trail = this.options.trail ?? "org-trail";
    const day = endTime.toISOString().slice(0, 10).replace(/-/g, "/");
    const stamp = endTime.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    const key = `${this.owner()}CloudTrail-Digest/${region}/${day}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${stamp}.json.gz`;
    const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");
    const digest = {
      awsAccountId: account,
      digestStartTime: iso(new Date(endTime.getTime() - 3_600_000)),
      digestEndTime: iso(endTime),
      digestS3Bucket: this.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.publicKey.fingerprint,
      digestSignatureAlgorithm: "SHA256withRSA",
      newestEventTime: this.pending.at(-1)?.newest ?? null,
      oldestEventTime: this.pending[0]?.oldest ?? null,
      previousDigestS3Bucket: this.previous ? this.bucket : null,
      previousDigestS3Object: this.previous?.key ?? null,
      previousDigestHashValue: this.previous?.hash ?? null,
      previousDigestHashAlgorithm: this.previous ? "SHA-256" : null,
      previousDigestSignature: this.previous?.signature ?? null,
      logFiles: this.pending.map((f) => ({
        s3Bucket: this.bucket,
        s3Object: f.key,
        hashValue: f.hash,
        hashAlgorithm: "SHA-256",
        newestEventTime: f.newest,
        oldestEventTime: f.oldest,
      })),
    };
    const text = JSON.stringify(digest);
    const hash = createHash("sha256").update(text).digest("hex");
    const toSign = `${digest.digestEndTime}\n${this.bucket}/${key}\n${hash}\n${digest.previousDigestSignature ?? "null"}`;
    const signature = sign(
      "sha256",
      Buffer.from(toSign),
      options.signWith ?? this.privateKey,
    ).toString("hex");
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: gzipSync(text),
        Metadata: { signature, "signature-algorithm": "SHA256withRSA" },
      }),
    );
    this.previous = { key, hash, signature };
    this.pending = [];
    return key;
  }

  /** The port's test implementation: this writer's key, whatever the region and time. */
  publicKeys(): CloudTrailPublicKeys {
    const key = this.publicKey;
    return { how: "the test's generated key", list: async () => [key] };
  }

  /** The key as `aws cloudtrail list-public-keys --output json` prints it. */
  keyFile(): string {
    return JSON.stringify({
      PublicKeyList: [
        {
          Value: Buffer.from(this.publicKey.der).toString("base64"),
          ValidityStartTime: "2020-01-01T00:00:00Z",
          ValidityEndTime: "2030-01-01T00:00:00Z",
          Fingerprint: this.publicKey.fingerprint,
        },
      ],
    });
  }
}

let eventSeq = 0;

/** A CloudTrail event as AWS records it (eventVersion 1.08 fields). */
export function trailEvent(fields: {
  time: string;
  source: string;
  name: string;
  account: string;
  region?: string;
  request?: object | null;
  response?: object | null;
  errorCode?: string;
  extra?: object;
}): Record<string, unknown> {
  eventSeq++;
  return {
    eventVersion: "1.08",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLE:deployer",
      arn: `arn:aws:sts::${fields.account}:assumed-role/deployer/alice`,
      accountId: fields.account,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          arn: `arn:aws:iam::${fields.account}:role/deployer`,
          accountId: fields.account,
        },
      },
    },
    eventTime: fields.time,
    eventSource: fields.source,
    eventName: fields.name,
    awsRegion: fields.region ?? "us-east-1",
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-cli/2.15.0",
    requestParameters: fields.request ?? null,
    responseElements: fields.response ?? null,
    ...(fields.errorCode && { errorCode: fields.errorCode, errorMessage: "denied" }),
    requestID: `req-${eventSeq}`,
    eventID: `evt-${eventSeq}`,
    readOnly: false,
    eventType: "AwsApiCall",
    recipientAccountId: fields.account,
    ...fields.extra,
  };
}
