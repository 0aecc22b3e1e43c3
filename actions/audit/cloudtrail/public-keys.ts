import { readFileSync } from "node:fs";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ListPublicKeysCommand } from "@aws-sdk/client-cloudtrail";
import type { CloudTrailPublicKey } from "./digest.js";

/**
 * Where the public keys that verify CloudTrail digests come from: a port, so tests use keys they
 * generate. CloudTrail signs with a key pair per region, changed over time.
 */
export interface CloudTrailPublicKeys {
  /** Keys of `region` valid at some time between `start` and `end`. */
  list(region: string, start: Date, end: Date): Promise<CloudTrailPublicKey[]>;
  /** Says where keys come from, for the summary. */
  readonly how: string;
}

/** CloudTrail `ListPublicKeys` in each region (moto 5.2.1 does not implement it). */
export class AwsCloudTrailPublicKeys implements CloudTrailPublicKeys {
  readonly how = "CloudTrail ListPublicKeys";
  private readonly clients = new Map<string, CloudTrailClient>();

  constructor(private readonly client: (region: string) => CloudTrailClient) {}

  async list(region: string, start: Date, end: Date): Promise<CloudTrailPublicKey[]> {
    let cached = this.clients.get(region);
    if (!cached) {
      cached = this.client(region);
      this.clients.set(region, cached);
    }
    const keys: CloudTrailPublicKey[] = [];
    let token: string | undefined;
    do {
      const page = await cached.send(
        new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }),
      );
      for (const k of page.PublicKeyList ?? []) {
        if (!k.Value || !k.Fingerprint) continue;
        keys.push({
          fingerprint: k.Fingerprint,
          der: k.Value,
          ...(k.ValidityStartTime && { validFrom: k.ValidityStartTime }),
          ...(k.ValidityEndTime && { validTo: k.ValidityEndTime }),
        });
      }
      token = page.NextToken;
    } while (token);
    return keys;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
  }
}

/**
 * Keys saved earlier with `aws cloudtrail list-public-keys --output json` (`{"PublicKeyList":
 * [{"Value": base64 DER, "Fingerprint", "ValidityStartTime", "ValidityEndTime"}]}`), for
 * auditors without CloudTrail access and for emulators that lack ListPublicKeys. A file lists
 * one region's keys; give one per region as `region=file`, or one file for every region.
 */
export class FileCloudTrailPublicKeys implements CloudTrailPublicKeys {
  readonly how: string;
  private readonly byRegion = new Map<string, CloudTrailPublicKey[]>();

  constructor(files: readonly string[], cwdResolve: (path: string) => string) {
    this.how = `public keys from ${files.join(", ")}`;
    for (const spec of files) {
      const eq = spec.indexOf("=");
      const region = eq > 0 && !spec.slice(0, eq).includes("/") ? spec.slice(0, eq) : "*";
      const path = region === "*" ? spec : spec.slice(eq + 1);
      this.byRegion.set(region, [
        ...(this.byRegion.get(region) ?? []),
        ...readKeyFile(cwdResolve(path), path),
      ]);
    }
  }

  async list(region: string, start: Date, end: Date): Promise<CloudTrailPublicKey[]> {
    return [...(this.byRegion.get(region) ?? []), ...(this.byRegion.get("*") ?? [])].filter(
      (k) =>
        (!k.validFrom || k.validFrom.getTime() <= end.getTime()) &&
        (!k.validTo || k.validTo.getTime() >= start.getTime()),
    );
  }
}

function readKeyFile(path: string, shown: string): CloudTrailPublicKey[] {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new KeyFileError(`${shown}: cannot read it as JSON (${reason})`);
  }
  const list = (document as { PublicKeyList?: unknown } | null)?.PublicKeyList;
  if (!Array.isArray(list)) {
    throw new KeyFileError(
      `${shown}: no "PublicKeyList"; save it with aws cloudtrail list-public-keys --output json`,
    );
  }
  return list.map((k: Record<string, unknown>, i) => {
    if (typeof k?.Value !== "string" || typeof k.Fingerprint !== "string") {
      throw new KeyFileError(
        `${shown}: PublicKeyList[${i}] needs "Value" (base64) and "Fingerprint"`,
      );
    }
    const date = (v: unknown) =>
      typeof v === "string" || typeof v === "number"
        ? new Date(typeof v === "number" ? v * 1000 : v)
        : undefined;
    const validFrom = date(k.ValidityStartTime);
    const validTo = date(k.ValidityEndTime);
    return {
      fingerprint: k.Fingerprint,
      der: Buffer.from(k.Value, "base64"),
      ...(validFrom && !Number.isNaN(validFrom.getTime()) && { validFrom }),
      ...(validTo && !Number.isNaN(validTo.getTime()) && { validTo }),
    };
  });
}

export class KeyFileError extends Error {}
