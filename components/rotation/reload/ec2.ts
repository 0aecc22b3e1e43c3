import { ListCommandsCommand, SendCommandCommand } from "@aws-sdk/client-ssm";
import type { AwsClients } from "../aws/clients.js";
import type { Reloader } from "../engine.js";
import { waitFor, type WaitOptions } from "./wait.js";

const FAILED = new Set(["Cancelled", "TimedOut", "Failed", "Cancelling"]);

/** EC2: an SSM document restarts the application on the tagged instances; wait for every one. */
export function ec2Reloader(clients: AwsClients, wait: WaitOptions = {}): Reloader {
  return {
    async reload(target) {
      if (target.runtime !== "ec2")
        throw new Error(`ec2 reloader given a ${target.runtime} target`);
      const { instanceTags, document, parameters } = target.ec2;
      const ssm = clients.ssm();
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: document,
          Targets: Object.entries(instanceTags).map(([key, value]) => ({
            Key: `tag:${key}`,
            Values: [value],
          })),
          ...(parameters && {
            Parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [...v]])),
          }),
          Comment: "VaultPilot: reload after secret rotation",
        }),
      );
      const commandId = sent.Command?.CommandId;
      if (!commandId) throw new Error(`SSM SendCommand of ${document} returned no command id`);
      // The command's overall status covers every targeted instance, even ones not yet listed.
      await waitFor(`SSM command ${commandId} (${document})`, wait, async () => {
        const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
        const status = listed.Commands?.[0]?.Status ?? "Pending";
        if (FAILED.has(status))
          throw new Error(`SSM command ${commandId} (${document}) ended ${status}`);
        return status === "Success";
      });
    },
  };
}
