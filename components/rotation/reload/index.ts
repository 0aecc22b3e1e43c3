import type { KubeConfig } from "@kubernetes/client-node";
import type { Runtime } from "../../../program/documents.js";
import type { AwsClients } from "../aws/clients.js";
import type { Reloader } from "../engine.js";
import type { DeploymentApiFor } from "./kubernetes.js";
import type { EksOptions } from "./eks-options.js";
import type { WaitOptions } from "./wait.js";

/**
 * How the Kubernetes reloader reaches a cluster: the user's kubeconfig (the CLI) or EKS by the
 * consumer's `cluster` (the Lambda, whose bundle has no Kubernetes client).
 */
export type KubernetesAccess = "kubeconfig" | "eks";

export interface ReloaderOptions {
  readonly wait?: WaitOptions;
  /** @default "kubeconfig" */
  readonly kubernetes?: KubernetesAccess;
  /** With "kubeconfig". @default - the default kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster) */
  readonly kubeConfig?: KubeConfig;
  /** With "eks". @default {} */
  readonly eks?: EksOptions;
}

/** Loaded on demand: a runtime's client code is only read when a consumer runs there. */
export async function reloaderFor(
  runtime: Runtime,
  clients: AwsClients,
  options: ReloaderOptions = {},
): Promise<Reloader> {
  switch (runtime) {
    case "ecs":
      return (await import("./ecs.js")).ecsReloader(clients, options.wait);
    case "lambda":
      return (await import("./lambda.js")).lambdaReloader(clients, options.wait);
    case "kubernetes": {
      const { kubernetesReloader } = await import("./kubernetes.js");
      return kubernetesReloader(await deploymentApiFor(clients, options), options.wait);
    }
    case "ec2":
      return (await import("./ec2.js")).ec2Reloader(clients, options.wait);
  }
}

async function deploymentApiFor(
  clients: AwsClients,
  options: ReloaderOptions,
): Promise<DeploymentApiFor> {
  if (options.kubernetes === "eks")
    return (await import("./kubernetes-eks.js")).eksDeploymentApiFor(clients, options.eks);
  const loaded = await import("./kubernetes-kubeconfig.js").catch((error: { code?: string }) => {
    // The Lambda bundle leaves the Kubernetes client out (three times its 500 KB budget) and uses EKS.
    if (error.code === "MODULE_NOT_FOUND" || error.code === "ERR_MODULE_NOT_FOUND") {
      throw new Error(
        "this build has no Kubernetes client for kubeconfig access: give the consumer's EKS cluster and reload through EKS",
      );
    }
    throw error;
  });
  const api = loaded.kubeconfigDeploymentApi(options.kubeConfig);
  return () => Promise.resolve(api);
}
