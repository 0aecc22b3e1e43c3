import { randomBytes } from "node:crypto";
import { topicArn } from "../../cloud/aws/naming.js";
import { fileDedupe } from "../../components/notify/dedupe.js";
import type { Notice } from "../../components/notify/notice.js";
import { createNotifier } from "../../components/notify/notifier.js";
import { AwsClients, awsConfigFromEnv } from "../../components/rotation/aws/clients.js";
import type { PolicyModel } from "../../program/model.js";
import type { CliIO } from "../io.js";
import { cliHttps, notifyStatePath } from "./cli-options.js";

/** A notice as a command builds it; the command's run id is added when it is sent. */
export type CommandNotice = Omit<Notice, "run">;

/**
 * Sends each notice to its tenant's routes (spec.notifications), deduplicated through the CLI's
 * state file. Each route's outcome is one JSON audit line on stderr. Never throws and never
 * changes the command's exit status: a notification that cannot be delivered is logged only.
 */
export async function sendNotices(
  model: PolicyModel,
  notices: readonly CommandNotice[],
  io: CliIO,
  command: string,
): Promise<void> {
  if (notices.length === 0) return;
  const run = randomBytes(8).toString("hex");
  const clients = new AwsClients(awsConfigFromEnv(io.env));
  const https = cliHttps(io);
  try {
    for (const tenant of model.tenants) {
      const mine = notices.filter((n) => n.tenant === tenant.name);
      if (mine.length === 0) continue;
      if (!tenant.notifications) {
        io.stderr(
          `vaultpilot ${command}: note: tenant ${tenant.name} has no spec.notifications routes; ${mine.length} notification(s) not sent\n`,
        );
        continue;
      }
      const delay = Number(io.env.VAULTPILOT_NOTIFY_RETRY_DELAY_MS);
      const notifier = createNotifier({
        notifications: tenant.notifications,
        clients,
        topicArn: topicArn({
          tenant: tenant.name,
          account: tenant.aws.account,
          region: tenant.aws.region,
        }),
        dedupe: fileDedupe(notifyStatePath(io)),
        env: io.env,
        ...(https && { https }),
        ...(io.env.VAULTPILOT_NOTIFY_RETRY_DELAY_MS &&
          Number.isFinite(delay) && { baseDelayMs: delay }),
      });
      for (const notice of mine) {
        for (const d of await notifier.notify({ ...notice, run })) {
          io.stderr(
            `${JSON.stringify({
              time: new Date().toISOString(),
              tenant: tenant.name,
              ...(notice.secret && { secret: notice.secret }),
              run,
              step: `notify:${d.route}`,
              event: d.event,
              outcome: d.outcome,
              attempt: d.attempts,
              ...(d.detail !== undefined && { detail: d.detail }),
            })}\n`,
          );
        }
      }
    }
  } finally {
    clients.destroy();
  }
}
