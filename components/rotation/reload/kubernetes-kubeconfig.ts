import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { templateAnnotationPatch, type DeploymentApi } from "./kubernetes.js";

/**
 * The CLI's way to a cluster: @kubernetes/client-node with the user's kubeconfig (its current
 * context; a consumer's `cluster` is not used). Only ever loaded with a dynamic import, so the
 * Lambda bundle, which leaves the client out, never requires it.
 */
export function kubeconfigDeploymentApi(kubeConfig?: KubeConfig): DeploymentApi {
  const config = kubeConfig ?? defaultKubeConfig();
  const apps = config.makeApiClient(AppsV1Api);
  return {
    async patchTemplateAnnotation(namespace, name, key, value) {
      const patched = await apps.patchNamespacedDeployment(
        { name, namespace, body: templateAnnotationPatch(key, value) },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      return patched.metadata?.generation ?? 0;
    },
    async readStatus(namespace, name) {
      const found = await apps.readNamespacedDeployment({ name, namespace });
      return { ...found.status, replicas: found.spec?.replicas ?? 1 };
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}
