import { createHash } from "node:crypto";
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { Reloader } from "../engine.js";
import { waitFor, type WaitOptions } from "./wait.js";

export const RESTART_ANNOTATION = "vaultpilot.dev/secret-version";

/** A content hash, never a time: the same version always gives the same annotation. */
export function restartAnnotation(versionId: string): string {
  return createHash("sha256").update(versionId).digest("hex").slice(0, 16);
}

/** Kubernetes: a pod-template annotation change is a rollout restart; ready when all replicas are. */
export function kubernetesReloader(kubeConfig?: KubeConfig, wait: WaitOptions = {}): Reloader {
  return {
    async reload(target, versionId) {
      if (target.runtime !== "kubernetes")
        throw new Error(`kubernetes reloader given a ${target.runtime} target`);
      const { namespace, deployment: name } = target.kubernetes;
      const config = kubeConfig ?? defaultKubeConfig();
      const apps = config.makeApiClient(AppsV1Api);
      const patch = {
        spec: {
          template: {
            metadata: { annotations: { [RESTART_ANNOTATION]: restartAnnotation(versionId) } },
          },
        },
      };
      const patched = await apps.patchNamespacedDeployment(
        { name, namespace, body: patch },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      const generation = patched.metadata?.generation ?? 0;
      await waitFor(`deployment ${namespace}/${name} to be ready`, wait, async () => {
        const found = await apps.readNamespacedDeployment({ name, namespace });
        const wanted = found.spec?.replicas ?? 1;
        const status = found.status ?? {};
        return (
          (status.observedGeneration ?? 0) >= generation &&
          (status.updatedReplicas ?? 0) === wanted &&
          (status.readyReplicas ?? 0) === wanted
        );
      });
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}
