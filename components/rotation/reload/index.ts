import type { KubeConfig } from "@kubernetes/client-node";
import type { Runtime } from "../../../program/documents.js";
import type { AwsClients } from "../aws/clients.js";
import type { Reloader } from "../engine.js";
import type { WaitOptions } from "./wait.js";

/** Loaded on demand: the Kubernetes client is only read when a consumer runs on Kubernetes. */
export async function reloaderFor(
  runtime: Runtime,
  clients: AwsClients,
  options: { wait?: WaitOptions; kubeConfig?: KubeConfig } = {},
): Promise<Reloader> {
  switch (runtime) {
    case "ecs":
      return (await import("./ecs.js")).ecsReloader(clients, options.wait);
    case "lambda":
      return (await import("./lambda.js")).lambdaReloader(clients, options.wait);
    case "kubernetes": {
      const loaded = await import("./kubernetes.js").catch((error: { code?: string }) => {
        // The Lambda bundle leaves the Kubernetes client out (it is three times the 500 KB budget).
        if (error.code === "MODULE_NOT_FOUND" || error.code === "ERR_MODULE_NOT_FOUND") {
          throw new Error(
            "this build has no Kubernetes client: reload Kubernetes consumers with vaultpilot rotate, or in-cluster",
          );
        }
        throw error;
      });
      return loaded.kubernetesReloader(options.kubeConfig, options.wait);
    }
    case "ec2":
      return (await import("./ec2.js")).ec2Reloader(clients, options.wait);
  }
}
