import { topicArn } from "../../../cloud/aws/naming.js";
import { EndpointProtection } from "../../../components/aws/endpoint-protection.js";
import { defineConcern } from "./concern.js";

/**
 * The tenant's public entry points: an EndpointProtection per entry point (web ACL, IP sets,
 * association, encrypted WAF logs, blocked-requests alarm, throttling).
 */
export const protection = defineConcern({
  name: "protection",
  settings: ({ settings }) => ({ logRetentionDays: settings.logRetentionDays }),
  components: ({ tenant, scope, key, options }, { logRetentionDays }) =>
    tenant.entryPoints.map(
      (entry) =>
        new EndpointProtection(
          `${tenant.name}/${entry.name}`,
          {
            scope,
            entryPoint: entry.name,
            kind: entry.kind,
            resourceArn: entry.arn,
            ...(entry.waf && { waf: entry.waf }),
            ...(entry.throttling && { throttling: entry.throttling }),
            kmsKeyArn: key.keyArn,
            // The alarms concern's topic (its ARN is a pure function of names).
            alarmTopicArn: topicArn(scope),
            logRetentionDays: tenant.logRetentionDays ?? logRetentionDays,
          },
          options,
        ),
    ),
});
