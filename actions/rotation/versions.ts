import { AwsClients } from "../../components/rotation/aws/clients.js";
import { secretsManagerStore } from "../../components/rotation/aws/secrets-store.js";
import { recentVersions } from "../../components/rotation/engine.js";
import { SecretNotFound } from "../../components/rotation/ports.js";
import { EXIT, type CliIO } from "../io.js";
import { cliAws, loadSecret, oneLine, parseRef } from "./shared.js";
import { secretPlace } from "./store.js";

export interface VersionRow {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly created: string | null;
  /** Among the last 10: `vaultpilot rollback --to` accepts it. */
  readonly reachable: boolean;
}

export async function versionsCommand(
  ref: string,
  options: { format: "text" | "json"; policies?: string },
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  // With --policies, the secret must be one the policies describe (as for rotate and rollback),
  // and its tenant's spec.store says where it lives (a vault store needs them).
  const place = secretPlace(
    options.policies
      ? loadSecret(target, { policies: options.policies, reload: false }, io).store
      : { type: "aws-secrets-manager" },
    target,
    io,
  );
  const clients = new AwsClients(cliAws(io));
  try {
    const described = await (place.store ?? secretsManagerStore(clients)).describe(place.secretId, {
      allVersions: true,
    });
    const all = recentVersions(described, Number.MAX_SAFE_INTEGER);
    const rows: VersionRow[] = all.map((v, i) => ({
      versionId: v.versionId,
      stages: v.stages.map((stage) => place.stageName(stage)),
      created: v.created?.toISOString() ?? null,
      reachable: i < 10,
    }));
    io.stdout(
      options.format === "json"
        ? `${JSON.stringify({ secret: described.name, versions: rows }, null, 2)}\n`
        : formatText(described.name, rows),
    );
    return EXIT.clean;
  } catch (error) {
    if (error instanceof SecretNotFound) {
      io.stderr(`vaultpilot: secret ${place.secretId} is not in ${place.where}\n`);
      return EXIT.findings;
    }
    io.stderr(`vaultpilot: cannot list the versions of ${place.secretId}: ${oneLine(error)}\n`);
    return EXIT.failed;
  } finally {
    clients.destroy();
  }
}

export function formatText(name: string, rows: readonly VersionRow[]): string {
  const lines = rows.map((r) => [
    r.versionId,
    r.stages.join(",") || "-",
    r.created ?? "-",
    r.reachable ? "yes" : "no",
  ]);
  const header = ["VERSION", "STAGES", "CREATED", "ROLLBACK"];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return `${name}\n${[format(header), ...lines.map(format)].join("\n")}\n`;
}
