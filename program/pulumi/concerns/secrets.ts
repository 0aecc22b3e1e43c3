import { ManagedSecret } from "../../../components/aws/managed-secret.js";
import { accessRoleName, roleArn, rotationRoleName, topicArn } from "../../../cloud/aws/naming.js";
import { RotationFunction } from "../../../components/aws/rotation-function.js";
import { CONFIG_FILE, handlerConfigFor, rotationConfigFor } from "../../rotation-config.js";
import { secretStoreClustersOf, secretStoreIdentity } from "../../kubernetes.js";
import { defineConcern } from "./concern.js";

/**
 * The tenant's secrets and their rotation: a ManagedSecret per Secret, and a RotationFunction per
 * secret type serving every secret of that type.
 */
export const secrets = defineConcern({
  name: "secrets",
  settings: ({ settings }) => ({
    logRetentionDays: settings.logRetentionDays,
    azureCredentialSecret: settings.azureCredentialSecret,
  }),
  components: (
    { tenant, scope, key, disasterRecovery, options },
    { logRetentionDays, azureCredentialSecret },
  ) => {
    // A vault tenant's secrets live in OpenBao, rotated by `vaultpilot rotate`: no Secrets Manager
    // secret, no rotation Lambda.
    if (tenant.store.type === "vault") return [];
    // Every secret is replicated to the disaster-recovery region, under the key's replica there.
    const replicas = disasterRecovery
      ? [{ region: disasterRecovery.region, kmsKeyId: disasterRecovery.keyArn }]
      : [];
    const managed = new Map(
      tenant.secrets.map((secret) => [
        secret.name,
        new ManagedSecret(
          `${tenant.name}/${secret.name}`,
          {
            scope,
            secretName: secret.name,
            secretType: secret.type,
            scheduleName: secret.schedule.name,
            kmsKeyId: key.keyArn,
            consumerRoleArns: [
              ...secret.consumers.map((c) => roleArn(scope, accessRoleName(tenant.name, c.name))),
              // External Secrets' store on each cluster the secret is delivered to reads it too.
              ...secretStoreClustersOf(secret).map((c) =>
                roleArn(scope, accessRoleName(tenant.name, secretStoreIdentity(c))),
              ),
            ],
            rotationRoleArn: roleArn(scope, rotationRoleName(tenant.name, secret.type)),
            replicas,
          },
          options,
        ),
      ]),
    );
    const types = [...new Set(tenant.secrets.map((s) => s.type))];
    const functions = types.map((type) => {
      const ofType = tenant.secrets.filter((s) => s.type === type);
      // Alerts go to the alarms concern's topic (its ARN is a pure function of names).
      const configs = ofType.map((s) =>
        rotationConfigFor(s, {
          alertTopicArn: topicArn(scope),
          ...(azureCredentialSecret && { azureCredentialSecret }),
        }),
      );
      return new RotationFunction(
        `${tenant.name}/${type}`,
        {
          scope,
          secretType: type,
          secrets: ofType.map((s, i) => ({
            name: s.name,
            secretId: managed.get(s.name)!.arn,
            schedule: {
              everyDays: s.schedule.everyDays,
              ...(s.schedule.window && {
                window: {
                  start: s.schedule.window.start,
                  durationHours: s.schedule.window.durationHours,
                },
              }),
            },
            config: configs[i]!,
            ...(s.connection?.masterSecret && { masterSecret: s.connection.masterSecret.name }),
          })),
          // The rotation runtime's configuration of these secrets, beside its handler.
          runtimeConfig: { name: CONFIG_FILE, content: handlerConfigFor(configs) },
          kmsKeyArn: key.keyArn,
          // The tenant's own retention (spec.logRetention or its frameworks') before the stack's.
          logRetentionDays: tenant.logRetentionDays ?? logRetentionDays,
        },
        options,
      );
    });
    return [...managed.values(), ...functions];
  },
});
