import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import type { AwsClients } from "../aws/clients.js";
import type { Reloader } from "../engine.js";
import { waitFor, type WaitOptions } from "./wait.js";

/** The variable whose change makes Lambda start fresh execution environments. */
export const VERSION_VARIABLE = "VAULTPILOT_SECRET_VERSION";

export function lambdaReloader(clients: AwsClients, wait: WaitOptions = {}): Reloader {
  return {
    async reload(target, versionId) {
      if (target.runtime !== "lambda")
        throw new Error(`lambda reloader given a ${target.runtime} target`);
      const { function: name, healthCheck = false } = target.lambda;
      const lambda = clients.lambda();
      const current = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: name }),
      );
      const variables = {
        ...(current.Environment?.Variables ?? {}),
        [VERSION_VARIABLE]: versionId,
      };
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          Environment: { Variables: variables },
        }),
      );
      await waitFor(`Lambda function ${name} to finish updating`, wait, async () => {
        const state = await lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: name }),
        );
        if (state.LastUpdateStatus === "Failed")
          throw new Error(
            `updating Lambda function ${name} failed: ${state.LastUpdateStatusReason ?? ""}`,
          );
        return state.LastUpdateStatus === undefined || state.LastUpdateStatus === "Successful";
      });
      if (healthCheck) {
        const answer = await lambda.send(
          new InvokeCommand({
            FunctionName: name,
            Payload: new TextEncoder().encode('{"vaultpilot":"health-check"}'),
          }),
        );
        if (answer.FunctionError)
          throw new Error(
            `health check of Lambda function ${name} failed (${answer.FunctionError})`,
          );
      }
    },
  };
}
