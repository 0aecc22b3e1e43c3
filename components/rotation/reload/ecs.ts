import { DescribeServicesCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.js";
import type { Reloader } from "../engine.js";
import { waitFor, type WaitOptions } from "./wait.js";

/** ECS: a new deployment picks up the secret at task start; stable when all tasks run again. */
export function ecsReloader(clients: AwsClients, wait: WaitOptions = {}): Reloader {
  return {
    async reload(target) {
      if (target.runtime !== "ecs")
        throw new Error(`ecs reloader given a ${target.runtime} target`);
      const { cluster, service } = target.ecs;
      const ecs = clients.ecs();
      await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
      await waitFor(`ECS service ${service} to become stable`, wait, async () => {
        const found = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
        const state = found.services?.[0];
        if (!state) throw new Error(`ECS service ${service} not found in cluster ${cluster}`);
        const desired = state.desiredCount ?? 0;
        return (
          (state.deployments?.length ?? 0) <= 1 &&
          (state.runningCount ?? 0) === desired &&
          desired > 0
        );
      });
    },
  };
}
