import { createHash, generateKeyPairSync, sign } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ChainVerifier, ChainWriter, GENESIS, lineHash } from "../../actions/audit/chain.js";
import {
  checkDigestSignature,
  digestStringToSign,
  parseDigest,
} from "../../actions/audit/cloudtrail/digest.js";
import { logFileTime, parseS3Url } from "../../actions/audit/cloudtrail/layout.js";
import { RecordSplitter } from "../../actions/audit/cloudtrail/records.js";
import { csvCell, csvRow } from "../../actions/audit/formats/csv.js";
import { MASK, maskFields, maskValue } from "../../actions/audit/mask.js";
import { dayPrefixes, parsePeriod, previousMonth } from "../../actions/audit/period.js";
import { cloudTrailRecord } from "../../actions/audit/record.js";
import { TenantMatcher } from "../../actions/audit/tenant-match.js";
import { readAuditSettings } from "../../program/pulumi/audit-settings.js";

describe("RecordSplitter", () => {
  test("splits the Records array into each record's text, whatever the chunk boundaries", () => {
    const records = [
      { a: 1, s: 'brace } and ] and "quote" and \\ backslash', n: [1, { x: "]" }] },
      { b: "ünïcödé ✓", c: null },
      { empty: {} },
    ];
    const text = JSON.stringify({ Other: [{ not: "a record" }], Records: records, After: "x" });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const splitter = new RecordSplitter();
        const out: string[] = [];
        let from = 0;
        for (const p of [...points, text.length]) {
          out.push(...splitter.push(text.slice(from, p)));
          from = p;
        }
        splitter.end();
        expect(out.map((r) => JSON.parse(r))).toEqual(records);
      }),
    );
  });

  test("keeps scalars as records (so they can be reported) and refuses a truncated document", () => {
    const splitter = new RecordSplitter();
    expect(splitter.push('{"Records":[1, "two" ,{"c":3}]}')).toEqual(["1", '"two"', '{"c":3}']);
    splitter.end();
    const cut = new RecordSplitter();
    expect(cut.push('{"Records":[{"a":1},{"b":')).toEqual(['{"a":1}']);
    expect(() => cut.end()).toThrow(/truncated/);
    const none = new RecordSplitter();
    none.push('{"records":[]}');
    expect(() => none.end()).toThrow(/no top-level "Records"/);
  });
});

describe("parsePeriod", () => {
  test("takes whole UTC days, both included, and refuses impossible dates and reversed periods", () => {
    const p = parsePeriod("2026-10-01", "2026-10-31");
    expect(p.start.toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(() => parsePeriod("2026-02-29", "2026-03-01")).toThrow(/--from must be a date/);
    expect(() => parsePeriod("2026-10-02", "2026-10-01")).toThrow(/is before --from/);
    expect(() => parsePeriod("2025-01-01", "2026-12-31")).toThrow(/at most 366/);
  });

  test("lists the period's day prefixes plus the days after it that hold late deliveries", () => {
    expect(dayPrefixes(parsePeriod("2026-12-30", "2026-12-31"), 1)).toEqual([
      "2026/12/30",
      "2026/12/31",
      "2027/01/01",
    ]);
  });

  test("previousMonth is the calendar month before, across a year boundary", () => {
    expect(previousMonth(new Date("2027-01-01T00:05:00Z"))).toEqual({
      from: "2026-12-01",
      to: "2026-12-31",
    });
    expect(previousMonth(new Date("2028-03-15T12:00:00Z"))).toEqual({
      from: "2028-02-01",
      to: "2028-02-29",
    });
  });
});

describe("TenantMatcher", () => {
  const keyArn = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const m = new TenantMatcher([
    { name: "acme", account: "111111111111", region: "us-east-1", keyArns: [keyArn] },
    { name: "acme-eu", account: "111111111111", region: "eu-west-1", keyArns: [] },
    { name: "globex", account: "222222222222", region: "us-east-1", keyArns: [] },
  ]);
  const ev = (source: string, request: object | null, extra: object = {}) => ({
    eventSource: source,
    eventName: "X",
    recipientAccountId: "111111111111",
    requestParameters: request,
    ...extra,
  });
  const sm = "secretsmanager.amazonaws.com";

  test("reports the tenant's secrets by name, by ARN, and under older field names", () => {
    expect(m.match(ev(sm, { secretId: "vaultpilot/acme/db" }))?.tenant).toBe("acme");
    expect(m.match(ev(sm, { SecretId: "vaultpilot/acme/db" }))?.tenant).toBe("acme");
    expect(m.match(ev(sm, { name: "vaultpilot/acme/new" }))?.tenant).toBe("acme");
    expect(
      m.match(
        ev(sm, {
          secretId:
            "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/db-AbCdEf",
        }),
      )?.tenant,
    ).toBe("acme");
    expect(m.match(ev(sm, { secretId: "vaultpilot/acme-eu/db" }))?.tenant).toBe("acme-eu");
  });

  test("does not report another tenant's secret, the same name in another account, or a call naming no secret", () => {
    expect(m.match(ev(sm, { secretId: "vaultpilot/acmex/db" }))).toBeUndefined();
    expect(
      m.match(ev(sm, { secretId: "vaultpilot/acme/db" }, { recipientAccountId: "999999999999" })),
    ).toBeUndefined();
    expect(
      m.match(
        ev(sm, {
          secretId:
            "arn:aws:secretsmanager:us-east-1:999999999999:secret:vaultpilot/acme/db-AbCdEf",
        }),
      ),
    ).toBeUndefined();
    expect(m.match(ev(sm, { maxResults: 100 }))).toBeUndefined();
    expect(m.match(ev(sm, { secretId: "vaultpilot/globex/db" }))).toBeUndefined();
  });

  test("reports Secrets Manager's own rotation events by their SecretId", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/db-AbCdEf";
    for (const name of [
      "RotationStarted",
      "RotationSucceeded",
      "RotationFailed",
      "RotationAbandoned",
    ]) {
      expect(
        m.match({ ...ev(sm, null, { additionalEventData: { SecretId: arn } }), eventName: name })
          ?.tenant,
      ).toBe("acme");
      expect(
        m.match({ ...ev(sm, null, { serviceEventDetails: { secretId: arn } }), eventName: name })
          ?.tenant,
      ).toBe("acme");
    }
  });

  test("reports the tenant's key by id, ARN, alias, alias ARN, resources, or a secret in the encryption context", () => {
    const kms = "kms.amazonaws.com";
    expect(m.match(ev(kms, { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }))?.tenant).toBe(
      "acme",
    );
    expect(m.match(ev(kms, { keyId: keyArn }))?.tenant).toBe("acme");
    expect(m.match(ev(kms, { keyId: "alias/vaultpilot/acme" }))?.tenant).toBe("acme");
    expect(
      m.match(ev(kms, { keyId: "arn:aws:kms:us-east-1:111111111111:alias/vaultpilot/acme" }))
        ?.tenant,
    ).toBe("acme");
    expect(
      m.match(ev(kms, null, { resources: [{ ARN: keyArn, type: "AWS::KMS::Key" }] }))?.tenant,
    ).toBe("acme");
    expect(
      m.match(
        ev(kms, {
          encryptionContext: {
            SecretARN: "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/db-x",
          },
        }),
      )?.tenant,
    ).toBe("acme");
    expect(m.match(ev(kms, { keyId: "alias/vaultpilot/acme-eu" }))?.tenant).toBe("acme-eu");
    expect(m.match(ev(kms, { keyId: "alias/other" }))).toBeUndefined();
    expect(
      m.match(
        ev(
          kms,
          { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" },
          { recipientAccountId: "222222222222" },
        ),
      ),
    ).toBeUndefined();
  });

  test("reports IAM and STS events on the tenant's roles and users, and not on another tenant's", () => {
    expect(
      m.match(ev("iam.amazonaws.com", { roleName: "vaultpilot.acme.rotation.postgres" }))?.tenant,
    ).toBe("acme");
    expect(
      m.match(ev("iam.amazonaws.com", { roleName: "vaultpilot-drift-reader-acme" }))?.tenant,
    ).toBe("acme");
    expect(m.match(ev("iam.amazonaws.com", { userName: "vaultpilot.acme.ci-key" }))?.tenant).toBe(
      "acme",
    );
    expect(
      m.match(
        ev("sts.amazonaws.com", {
          roleArn: "arn:aws:iam::111111111111:role/vaultpilot.acme.access.api",
        }),
      )?.tenant,
    ).toBe("acme");
    expect(
      m.match(ev("iam.amazonaws.com", { roleName: "vaultpilot.acme-eu.access.web" }))?.tenant,
    ).toBe("acme-eu");
    expect(m.match(ev("iam.amazonaws.com", { roleName: "deployer" }))).toBeUndefined();
    expect(
      m.match(ev("s3.amazonaws.com", { roleName: "vaultpilot.acme.access.api" })),
    ).toBeUndefined();
  });
});

describe("maskValue", () => {
  test("masks the listed fields at any depth and any case, leaving nulls and other fields", () => {
    const fields = maskFields(["apiToken"]);
    const event = {
      requestParameters: {
        SecretString: "v1",
        secretBinary: "v2",
        nested: [{ plaintext: "v3" }],
        apitoken: "v4",
        keep: "ok",
      },
      responseElements: { secretString: null },
    };
    expect(maskValue(event, fields)).toEqual({
      requestParameters: {
        SecretString: MASK,
        secretBinary: MASK,
        nested: [{ plaintext: MASK }],
        apitoken: MASK,
        keep: "ok",
      },
      responseElements: { secretString: null },
    });
  });
});

describe("csvCell", () => {
  test("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+1")).toBe("'-1+1");
    expect(csvCell(null)).toBe("");
  });

  test("a row has one cell per column and no original event", () => {
    const record = cloudTrailRecord(
      {
        eventTime: "2026-10-01T00:00:00Z",
        eventSource: "secretsmanager.amazonaws.com",
        eventName: "GetSecretValue",
        requestParameters: { secretString: "x" },
      },
      { tenant: "acme", resource: "vaultpilot/acme/db" },
      "s3://b/k",
      maskFields(),
    );
    expect(csvRow(7, record)).toBe(
      "7,2026-10-01T00:00:00.000Z,acme,,,,,secretsmanager:GetSecretValue,vaultpilot/acme/db,success,,,,cloudtrail,s3://b/k\r\n",
    );
  });
});

describe("ChainWriter / ChainVerifier", () => {
  const build = (n: number) => {
    const w = new ChainWriter();
    const lines = Array.from({ length: n }, (_, i) => w.next({ i }));
    return { lines, summary: w.summary };
  };
  const verify = (lines: string[], summary: ReturnType<typeof build>["summary"]) => {
    const v = new ChainVerifier(summary);
    for (const l of lines) v.push(l);
    return v.end();
  };

  test("links each line to the SHA-256 of the one before, from the genesis", () => {
    const { lines, summary } = build(3);
    expect(JSON.parse(lines[0]!).prev).toBe(GENESIS);
    expect(JSON.parse(lines[2]!).prev).toBe(lineHash(lines[1]!));
    expect(summary).toMatchObject({
      lines: 3,
      first: lineHash(lines[0]!),
      last: lineHash(lines[2]!),
    });
    expect(verify(lines, summary)).toBeUndefined();
  });

  test("names the changed line wherever one character changes", () => {
    const { lines, summary } = build(6);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.nat(), (index, at) => {
        const line = lines[index]!;
        const pos = at % line.length;
        const replacement = line[pos] === "7" ? "8" : "7";
        const changed = [...lines];
        changed[index] = line.slice(0, pos) + replacement + line.slice(pos + 1);
        expect(verify(changed, summary)?.line).toBe(index + 1);
      }),
    );
  });

  test("an empty export verifies against an empty summary, and a line added to it does not", () => {
    const { summary } = build(0);
    expect(verify([], summary)).toBeUndefined();
    expect(verify(['{"line":1}'], summary)?.line).toBe(1);
  });
});

describe("CloudTrail digests", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ format: "der", type: "pkcs1" });
  const key = { fingerprint: createHash("md5").update(der).digest("hex"), der };
  const digestText = JSON.stringify({
    awsAccountId: "111122223333",
    digestStartTime: "2015-08-17T14:01:31Z",
    digestEndTime: "2015-08-17T15:01:31Z",
    digestS3Bucket: "bucket",
    digestS3Object: "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/d.json.gz",
    digestPublicKeyFingerprint: key.fingerprint,
    digestSignatureAlgorithm: "SHA256withRSA",
    previousDigestSignature: null,
    logFiles: [],
  });
  const bytes = Buffer.from(digestText);
  const digest = parseDigest(digestText);

  test("signs end time, S3 path, the digest's SHA-256 and the previous signature (null for the first)", () => {
    expect(digestStringToSign(digest, bytes)).toBe(
      `2015-08-17T15:01:31Z\nbucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/d.json.gz\n${createHash("sha256").update(bytes).digest("hex")}\nnull`,
    );
  });

  test("accepts CloudTrail's SHA256withRSA signature and refuses a changed digest or an unknown key", () => {
    const signature = sign(
      "sha256",
      Buffer.from(digestStringToSign(digest, bytes)),
      privateKey,
    ).toString("hex");
    expect(checkDigestSignature(digest, bytes, signature, [key])).toBeUndefined();
    const changed = Buffer.from(digestText.replace("111122223333", "111122223334"));
    expect(checkDigestSignature(parseDigest(changed.toString()), changed, signature, [key])).toBe(
      "the signature does not verify",
    );
    expect(checkDigestSignature(digest, bytes, signature, [])).toMatch(
      /no CloudTrail public key with fingerprint/,
    );
    expect(checkDigestSignature(digest, bytes, undefined, [key])).toMatch(
      /no x-amz-meta-signature/,
    );
  });

  test("a digest that is not one says which field is wrong", () => {
    expect(() => parseDigest("[]")).toThrow("not a JSON object");
    expect(() => parseDigest('{"awsAccountId":"1"}')).toThrow(/logFiles is missing/);
  });
});

describe("layout", () => {
  test("parses s3:// URLs and log file delivery times", () => {
    expect(parseS3Url("s3://my-bucket/a/b/")).toEqual({ bucket: "my-bucket", prefix: "a/b/" });
    expect(parseS3Url("s3://my-bucket")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(parseS3Url("https://x")).toBeUndefined();
    expect(logFileTime("p/111_CloudTrail_us-east-1_20261005T1430Z_abc.json.gz")).toBe(
      Date.UTC(2026, 9, 5, 14, 30),
    );
  });
});

describe("readAuditSettings", () => {
  const read = (config: Record<string, unknown>) =>
    readAuditSettings("prod", (key) =>
      key in config ? { value: config[key], secret: false } : undefined,
    );

  test("defaults: no archive, 7 years, bucket named after the stack", () => {
    expect(read({})).toEqual({
      archive: false,
      bucketName: "vaultpilot-audit-prod",
      retention: { years: 7 },
      trail: false,
      organizationTrail: false,
      maskFields: [],
    });
  });

  test("the archive needs the export role; retention and the trail bucket are checked", () => {
    expect(() => read({ "vaultpilot:auditArchive": true })).toThrow(
      /needs vaultpilot:auditExportRoleArn/,
    );
    expect(() => read({ "vaultpilot:auditRetention": "7 years" })).toThrow(
      /such as "7y" or "2557d"/,
    );
    expect(() => read({ "vaultpilot:auditRetention": "200y" })).toThrow(/at most 100 years/);
    expect(
      read({
        "vaultpilot:auditArchive": true,
        "vaultpilot:auditExportRoleArn": "arn:aws:iam::123456789012:role/audit",
        "vaultpilot:auditTrail": true,
        "vaultpilot:auditRetention": "400d",
      }),
    ).toMatchObject({
      retention: { days: 400 },
      trailLocation: "s3://vaultpilot-audit-prod/cloudtrail",
    });
  });
});
