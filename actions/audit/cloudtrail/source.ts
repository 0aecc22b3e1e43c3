import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { createGunzip, gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { CloudTrailSourceResult, Problem } from "../manifest.js";
import type { MaskFields } from "../mask.js";
import { orderedMap } from "../ordered.js";
import { dayPrefixes, inPeriod, type Period } from "../period.js";
import { cloudTrailRecord, type AuditRecord } from "../record.js";
import type { TenantMatcher } from "../tenant-match.js";
import { checkDigestSignature, parseDigest, sha256Hex, type DigestFile } from "./digest.js";
import {
  digestDayPrefix,
  logDayPrefix,
  logFileTime,
  ORGANIZATION_ID,
  ownerPath,
  type TrailLocation,
} from "./layout.js";
import type { CloudTrailPublicKeys } from "./public-keys.js";
import { RecordSplitter } from "./records.js";
export interface CloudTrailInput {
  readonly s3: S3Client;
  readonly location: TrailLocation;
  /** The tenants' accounts: each is read under AWSLogs/<account>/ and under every organization found. */
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly period: Period;
  readonly keys: CloudTrailPublicKeys;
  readonly matcher: TenantMatcher;
  readonly mask: MaskFields;
  /** Log files read at once. @default 8 */
  readonly concurrency?: number;
  /** Receives each file's matching records, in delivery order; awaited before the next file's. */
  readonly write: (records: readonly AuditRecord[]) => Promise<void>;
  readonly problem: (problem: Problem) => void;
}

/** One account's (and organization's) log files of one region. */
interface Source {
  readonly path: string;
  readonly region: string;
  /** Found under an organization's folder (AWSLogs/<o-id>/<account>/). */
  readonly organization: boolean;
  result: MutableResult;
  /** Why public keys could not be had, once known. */
  keyError?: string;
  /** Log file key → its hash as a digest recorded it, and whether that digest verified. */
  digested: Map<
    string,
    { hash: string; digest: string; status: "valid" | "invalid" | "unchecked" }
  >;
}

type MutableResult = {
  -readonly [K in keyof CloudTrailSourceResult]: CloudTrailSourceResult[K] extends object
    ? { -readonly [J in keyof CloudTrailSourceResult[K]]: CloudTrailSourceResult[K][J] }
    : CloudTrailSourceResult[K];
};

/** Days after the period to read: late log files (≤ 15 min) and the digests that list them (≤ 1 h). */
const LOG_EXTRA_DAYS = 1;
const DIGEST_EXTRA_DAYS = 2;

/**
 * Reads the trail's bucket for the period: lists only the period's day prefixes (never the whole
 * bucket), validates every digest (location, RSA signature, chain), then streams each log file
 * through gunzip, hashing its uncompressed bytes and splitting its records, and hands the
 * tenants' events on in delivery order. Every gap becomes a Problem; nothing is skipped silently.
 */
export async function readCloudTrail(input: CloudTrailInput): Promise<CloudTrailSourceResult[]> {
  const where = `s3://${input.location.bucket}/${input.location.prefix}`;
  let organizations: string[];
  try {
    organizations = await listOrganizations(input);
  } catch (error) {
    input.problem({
      kind: "source-unreadable",
      object: where,
      detail: `cannot list the trail bucket: ${reason(error)}`,
    });
    return [];
  }
  const sources: Source[] = [];
  for (const account of [...new Set(input.accounts)].sort()) {
    for (const owner of [undefined, ...organizations]) {
      for (const region of input.regions) {
        sources.push({
          path: ownerPath(account, owner),
          region,
          organization: owner !== undefined,
          result: emptyResult(input.location.bucket, ownerPath(account, owner), region),
          digested: new Map(),
        });
      }
    }
  }
  for (const source of sources) await validateDigests(input, source);

  const seen = new Set<string>();
  const logDays = dayPrefixes(input.period, LOG_EXTRA_DAYS);
  for (const day of logDays) {
    const files: { key: string; source: Source }[] = [];
    for (const source of sources) {
      const prefix = logDayPrefix(input.location, source.path, source.region, day);
      try {
        for (const key of await listKeys(input.s3, input.location.bucket, prefix)) {
          files.push({ key, source });
        }
      } catch (error) {
        input.problem({
          kind: "source-unreadable",
          object: `s3://${input.location.bucket}/${prefix}`,
          detail: `cannot list: ${reason(error)}`,
        });
      }
    }
    files.sort((a, b) => logFileTime(a.key) - logFileTime(b.key) || a.key.localeCompare(b.key));
    for (const f of files) {
      f.source.result.logFiles.listed++;
      seen.add(f.key);
    }
    const results = orderedMap(files, input.concurrency ?? 8, (f) =>
      readLogFile(input, f.source, f.key),
    );
    for await (const records of results) await input.write(records);
  }

  // Files a digest lists that are not in the bucket, within the days that were listed.
  const listedDays = new Set(logDays);
  for (const source of sources) {
    for (const [key, entry] of source.digested) {
      const day = /\/(\d{4}\/\d{2}\/\d{2})\/[^/]+$/.exec(key)?.[1];
      if (seen.has(key) || !day || !listedDays.has(day)) continue;
      if (!key.startsWith(`${input.location.prefix}${source.path}CloudTrail/${source.region}/`))
        continue;
      source.result.logFiles.missing++;
      input.problem({
        kind: "log-file-missing",
        object: `s3://${input.location.bucket}/${key}`,
        detail: `listed by digest ${entry.digest} but not in the bucket (deleted?)`,
      });
    }
  }
  return (
    sources
      // An organization's folder is reported only when it held something for the account.
      .filter((s) => !s.organization || s.result.logFiles.listed + s.result.digests.listed > 0)
      .map((s) => s.result)
  );
}

async function listOrganizations(input: CloudTrailInput): Promise<string[]> {
  const out = await input.s3.send(
    new ListObjectsV2Command({
      Bucket: input.location.bucket,
      Prefix: `${input.location.prefix}AWSLogs/`,
      Delimiter: "/",
    }),
  );
  return (out.CommonPrefixes ?? [])
    .map((p) => p.Prefix?.slice(`${input.location.prefix}AWSLogs/`.length).replace(/\/$/, "") ?? "")
    .filter((id) => ORGANIZATION_ID.test(id))
    .sort();
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith("/")) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

interface LoadedDigest {
  readonly key: string;
  readonly digest: DigestFile;
  readonly signature: string | undefined;
  readonly uncompressedHash: string;
  status: "valid" | "invalid" | "unchecked";
}

async function validateDigests(input: CloudTrailInput, source: Source): Promise<void> {
  const { bucket } = input.location;
  const url = (key: string) => `s3://${bucket}/${key}`;
  const loaded: LoadedDigest[] = [];
  const digestDays = dayPrefixes(input.period, DIGEST_EXTRA_DAYS);
  for (const day of digestDays) {
    const prefix = digestDayPrefix(input.location, source.path, source.region, day);
    let keys: string[];
    try {
      keys = await listKeys(input.s3, bucket, prefix);
    } catch (error) {
      input.problem({
        kind: "source-unreadable",
        object: url(prefix),
        detail: `cannot list digests: ${reason(error)}`,
      });
      continue;
    }
    // Fetched concurrently (each is small), checked in listing order.
    const fetched = orderedMap(keys, input.concurrency ?? 8, async (key) => {
      try {
        const out = await input.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { key, out, bytes: await out.Body!.transformToByteArray() };
      } catch (error) {
        return { key, error };
      }
    });
    for await (const got of fetched) {
      const key = got.key;
      source.result.digests.listed++;
      try {
        if ("error" in got) throw got.error;
        const { out, bytes } = got;
        const uncompressed = gunzipSync(bytes);
        const digest = parseDigest(uncompressed.toString("utf8"));
        const entry: LoadedDigest = {
          key,
          digest,
          signature: out.Metadata?.signature,
          uncompressedHash: sha256Hex(uncompressed),
          status: "unchecked",
        };
        if (digest.digestS3Bucket !== bucket || digest.digestS3Object !== key) {
          entry.status = "invalid";
          input.problem({
            kind: "digest-invalid",
            object: url(key),
            detail: `it says it was delivered to s3://${digest.digestS3Bucket}/${digest.digestS3Object}, not here (copied or moved)`,
          });
        } else {
          const keys = await publicKeys(input, source, digest);
          if (keys === undefined) {
            entry.status = "unchecked";
          } else {
            const why = checkDigestSignature(digest, uncompressed, entry.signature, keys);
            entry.status = why ? "invalid" : "valid";
            if (why) input.problem({ kind: "digest-invalid", object: url(key), detail: why });
          }
        }
        loaded.push(entry);
      } catch (error) {
        source.result.digests.invalid++;
        input.problem({
          kind: "digest-invalid",
          object: url(key),
          detail: `cannot read it as a gzipped digest: ${reason(error)}`,
        });
      }
    }
  }
  loaded.sort(
    (a, b) =>
      a.digest.digestEndTime.localeCompare(b.digest.digestEndTime) || a.key.localeCompare(b.key),
  );
  const byKey = new Map(loaded.map((d) => [d.key, d]));
  const firstDay = digestDays[0]!;
  for (const d of loaded) {
    const previous = d.digest.previousDigestS3Object;
    if (!previous) continue;
    const found = d.digest.previousDigestS3Bucket === bucket ? byKey.get(previous) : undefined;
    if (!found) {
      // Before the period: the chain starts there, outside what was asked for.
      const day = /\/(\d{4}\/\d{2}\/\d{2})\/[^/]+$/.exec(previous)?.[1] ?? "";
      if (day >= firstDay && d.digest.previousDigestS3Bucket === bucket) {
        input.problem({
          kind: "digest-missing",
          object: url(previous),
          detail: `the chain breaks: ${d.key} names it as the previous digest, but it is not in the bucket`,
        });
      }
      continue;
    }
    if (
      found.uncompressedHash !== d.digest.previousDigestHashValue?.toLowerCase() ||
      (found.signature ?? "").toLowerCase() !==
        (d.digest.previousDigestSignature ?? "").toLowerCase()
    ) {
      if (d.status !== "invalid") d.status = "invalid";
      found.status = "invalid";
      input.problem({
        kind: "digest-invalid",
        object: url(previous),
        detail: `the chain breaks: its hash or signature differs from what ${d.key} records`,
      });
    }
  }
  const unchecked = loaded.filter((d) => d.status === "unchecked").length;
  for (const d of loaded) {
    if (d.status === "valid") source.result.digests.valid++;
    else if (d.status === "invalid") source.result.digests.invalid++;
    else source.result.digests.unchecked++;
    for (const f of d.digest.logFiles) {
      if (f.s3Bucket !== bucket) continue;
      const known = source.digested.get(f.s3Object);
      // A file listed by a valid digest keeps that over an invalid or unchecked one.
      if (!known || (known.status !== "valid" && d.status === "valid")) {
        source.digested.set(f.s3Object, { hash: f.hashValue, digest: d.key, status: d.status });
      }
    }
  }
  if (unchecked > 0) {
    input.problem({
      kind: "digest-unchecked",
      object: url(`${input.location.prefix}${source.path}CloudTrail-Digest/${source.region}/`),
      detail: `${unchecked} digest signature(s) not checked: ${source.keyError ?? "no public key"}`,
    });
  }
}

/** The region's public keys for the digest's hour; undefined (and the reason kept) when they cannot be had. */
async function publicKeys(input: CloudTrailInput, source: Source, digest: DigestFile) {
  if (source.keyError) return undefined;
  try {
    return await input.keys.list(
      source.region,
      new Date(digest.digestStartTime),
      new Date(digest.digestEndTime),
    );
  } catch (error) {
    source.keyError = `${input.keys.how} failed: ${reason(error)}`;
    return undefined;
  }
}

async function readLogFile(
  input: CloudTrailInput,
  source: Source,
  key: string,
): Promise<AuditRecord[]> {
  const { bucket } = input.location;
  const origin = `s3://${bucket}/${key}`;
  const result = source.result;
  const records: AuditRecord[] = [];
  const hash = createHash("sha256");
  const splitter = new RecordSplitter();
  let failure: string | undefined;
  let eventsRead = 0;
  const take = (texts: string[]) => {
    for (const text of texts) {
      eventsRead++;
      result.events.read++;
      const record = toRecord(input, text, origin);
      if (record === "malformed") {
        result.events.malformed++;
        input.problem({
          kind: "event-malformed",
          object: origin,
          detail: `record ${eventsRead} is not a CloudTrail event (no eventTime, eventSource or eventName); kept out of the export`,
        });
      } else if (record) {
        result.events.matched++;
        records.push(record);
      }
    }
  };
  try {
    const out = await input.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const gunzip = createGunzip();
    (out.Body as Readable).on("error", (e) => gunzip.destroy(e)).pipe(gunzip);
    const decoder = new TextDecoder("utf-8");
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      hash.update(chunk);
      take(splitter.push(decoder.decode(chunk, { stream: true })));
    }
    take(splitter.push(decoder.decode()));
    splitter.end();
  } catch (error) {
    failure = reason(error);
  }
  if (failure !== undefined) {
    result.logFiles.unreadable++;
    input.problem({
      kind: "log-file-unreadable",
      object: origin,
      detail: `${failure}; ${records.length} of its events exported from what could be read`,
    });
    return records;
  }
  result.logFiles.read++;
  const entry = source.digested.get(key);
  const actual = hash.digest("hex");
  if (!entry) {
    result.logFiles.undigested++;
    input.problem({
      kind: "log-file-undigested",
      object: origin,
      detail: "no digest of the period lists it (added after delivery, or its digest is missing)",
    });
  } else if (entry.hash !== actual) {
    result.logFiles.altered++;
    input.problem({
      kind: "log-file-altered",
      object: origin,
      detail: `its SHA-256 is ${actual}, digest ${entry.digest} recorded ${entry.hash}`,
    });
  } else if (entry.status === "valid") {
    result.logFiles.validated++;
  } else if (entry.status === "unchecked") {
    result.logFiles.unverified++;
  } else if (entry.status === "invalid") {
    result.logFiles.undigested++;
    input.problem({
      kind: "log-file-undigested",
      object: origin,
      detail: `only digest ${entry.digest} lists it, and that digest is not valid`,
    });
  }
  return records;
}

function toRecord(
  input: CloudTrailInput,
  text: string,
  origin: string,
): AuditRecord | "malformed" | undefined {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return "malformed";
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) return "malformed";
  const e = event as Record<string, unknown>;
  const time = typeof e.eventTime === "string" ? Date.parse(e.eventTime) : NaN;
  if (Number.isNaN(time) || typeof e.eventSource !== "string" || typeof e.eventName !== "string")
    return "malformed";
  if (!inPeriod(input.period, time)) return undefined;
  const match = input.matcher.match(e);
  return match ? cloudTrailRecord(e, match, origin, input.mask) : undefined;
}

function emptyResult(bucket: string, path: string, region: string): MutableResult {
  return {
    bucket,
    path,
    region,
    logFiles: {
      listed: 0,
      read: 0,
      validated: 0,
      unverified: 0,
      undigested: 0,
      altered: 0,
      missing: 0,
      unreadable: 0,
    },
    digests: { listed: 0, valid: 0, invalid: 0, unchecked: 0 },
    events: { read: 0, matched: 0, malformed: 0 },
  };
}

/** One line, from an SDK or stream error; never a request or response body. */
export function reason(error: unknown): string {
  const e = error instanceof AggregateError && error.errors.length ? error.errors[0] : error;
  const name = e instanceof Error && e.name !== "Error" ? `${e.name}: ` : "";
  const message = e instanceof Error ? e.message : String(e);
  return `${name}${message.split("\n")[0]}`.trim() || "unknown error";
}
