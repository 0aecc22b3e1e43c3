import { createHash } from "node:crypto";
import type { Report } from "../report/result.js";
import type { CommandNotice } from "./send.js";

const LISTED = 5;

/**
 * What `report --notify` tells people: per tenant and framework with failing controls, one
 * report-failing notice listing them. The set of failures is its identity, so the same failures
 * are not sent again within the window and a new failure is.
 */
export function reportNotices(report: Report): CommandNotice[] {
  const notices: CommandNotice[] = [];
  const failing = report.results.filter((r) => r.status === "fail");
  const groups = new Map<string, typeof failing>();
  for (const result of failing) {
    const key = `${result.tenant}\0${result.framework}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  for (const [key, results] of groups) {
    const [tenant = "", framework = ""] = key.split("\0");
    const controls = [...new Set(results.map((r) => r.control))];
    const listed = results
      .slice(0, LISTED)
      .map((r) => `${r.control} ${r.check} on ${r.resource}: ${r.observed}`);
    notices.push({
      event: "report-failing",
      tenant,
      subject: createHash("sha256")
        .update(
          `${framework}\n${results.map((r) => `${r.control}\0${r.check}\0${r.resource}`).join("\n")}`,
        )
        .digest("hex")
        .slice(0, 16),
      title: `Compliance report for ${tenant}: ${controls.length} ${framework} control(s) failing`,
      detail:
        listed.join("; ") +
        (results.length > LISTED ? `; and ${results.length - LISTED} more` : ""),
      next: `Run vaultpilot report --tenant ${tenant} --framework ${framework} for the evidence, fix the failing controls, and run it again.`,
    });
  }
  return notices;
}
