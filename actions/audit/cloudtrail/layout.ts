/**
 * Where CloudTrail writes (AWS CloudTrail User Guide, "Finding your CloudTrail log files" and
 * "CloudTrail digest file structure"):
 *   <prefix>AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz
 *   <prefix>AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz
 * An organization trail puts the organization id after AWSLogs/: AWSLogs/<o-id>/<account>/….
 */
export interface TrailLocation {
  readonly bucket: string;
  /** The trail's S3 key prefix with its trailing slash, or "". */
  readonly prefix: string;
}

/** `s3://bucket/prefix` → bucket and prefix ("" or ending in "/"). */
export function parseS3Url(url: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) return undefined;
  const rest = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1]!, prefix: rest ? `${rest}/` : "" };
}

/** `AWSLogs/<account>/` or `AWSLogs/<org-id>/<account>/`. */
export const ownerPath = (account: string, organization?: string) =>
  organization ? `AWSLogs/${organization}/${account}/` : `AWSLogs/${account}/`;

export const logDayPrefix = (loc: TrailLocation, owner: string, region: string, day: string) =>
  `${loc.prefix}${owner}CloudTrail/${region}/${day}/`;

export const digestDayPrefix = (loc: TrailLocation, owner: string, region: string, day: string) =>
  `${loc.prefix}${owner}CloudTrail-Digest/${region}/${day}/`;

/** An organization id as CloudTrail writes it under AWSLogs/. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The delivery time in a log file's name (`…_20261005T1430Z_…`), for ordering; 0 when absent. */
export function logFileTime(key: string): number {
  const match = /_(\d{8}T\d{4})Z_[^/]*$/.exec(key);
  if (!match) return 0;
  const t = match[1]!;
  return Date.UTC(
    +t.slice(0, 4),
    +t.slice(4, 6) - 1,
    +t.slice(6, 8),
    +t.slice(9, 11),
    +t.slice(11, 13),
  );
}
