import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Finding } from "../drift/checks.js";
import type { CommandNotice } from "./send.js";

/** Findings about a secret's rotation being off or late: the rotation-overdue event. */
const ROTATION_CHECKS = new Set(["rotation-overdue", "rotation-enabled"]);
const LISTED = 5;

/** Per tenant, a fingerprint of its last drift findings (null: none): what tells "resolved". */
export type DriftState = Readonly<Record<string, string | null>>;

/**
 * What `drift --notify` tells people: per tenant, drift-found with its findings (a new set of
 * findings is a new notification; the same set again is deduplicated), drift-resolved when a
 * tenant that had drift has none now, and rotation-overdue per secret whose rotation is off or late.
 */
export function driftNotices(
  checked: readonly string[],
  findings: readonly Finding[],
  previous: DriftState,
  at: string,
): { notices: CommandNotice[]; state: Record<string, string | null> } {
  const notices: CommandNotice[] = [];
  const state: Record<string, string | null> = { ...previous };
  for (const tenant of checked) {
    const mine = findings.filter((f) => f.tenant === tenant);
    const drift = mine.filter((f) => !ROTATION_CHECKS.has(f.check));
    const fingerprint = mine.length
      ? createHash("sha256")
          .update(mine.map((f) => `${f.resource}\0${f.check}\0${f.actual}`).join("\n"))
          .digest("hex")
          .slice(0, 16)
      : null;
    if (drift.length > 0) {
      const listed = drift
        .slice(0, LISTED)
        .map((f) => `${f.resource}: ${f.check} (expected ${f.expected}, found ${f.actual})`);
      notices.push({
        event: "drift-found",
        tenant,
        subject: fingerprint ?? "",
        title: `Drift in tenant ${tenant}: ${drift.length} finding(s)`,
        detail:
          listed.join("; ") + (drift.length > LISTED ? `; and ${drift.length - LISTED} more` : ""),
        next: `Run vaultpilot drift --format text to see every finding; run pulumi up to put the stack back as the policies say, or change the policies if the live state is right.`,
      });
    } else if (previous[tenant]) {
      notices.push({
        event: "drift-resolved",
        tenant,
        subject: previous[tenant] ?? "",
        title: `Drift in tenant ${tenant} is resolved`,
        detail: `The drift check at ${at} found the tenant as its policies describe it.`,
        next: "Nothing to do.",
      });
    }
    for (const f of mine.filter((f) => ROTATION_CHECKS.has(f.check))) {
      const secret = f.resource.split("/").at(-1) ?? f.resource;
      notices.push({
        event: "rotation-overdue",
        tenant,
        secret,
        subject: f.check,
        title:
          f.check === "rotation-enabled"
            ? `Rotation of ${tenant}/${secret} is turned off`
            : `Rotation of ${tenant}/${secret} is overdue`,
        detail: `${f.resource}: expected ${f.expected}, found ${f.actual}.`,
        next:
          f.check === "rotation-enabled"
            ? `Turn rotation back on with pulumi up, or rotate now: vaultpilot rotate ${tenant}/${secret}`
            : `Rotate now: vaultpilot rotate ${tenant}/${secret}; then look at why the scheduled rotation did not run (the rotation function's logs).`,
      });
    }
    state[tenant] = fingerprint;
  }
  return { notices, state };
}

/** The drift state beside the notification state (`.vaultpilot/drift-state.json`). */
export function readDriftState(path: string): DriftState {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as DriftState) : {};
  } catch {
    return {};
  }
}

export function writeDriftState(path: string, state: DriftState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
