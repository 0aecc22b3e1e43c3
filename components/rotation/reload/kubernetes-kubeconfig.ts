import {
  AppsV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import {
  externalSecretState,
  templateAnnotationPatch,
  type DeploymentApi,
  type ExternalSecretObject,
} from "./kubernetes.js";

/**
 * The CLI's way to a cluster: @kubernetes/client-node with the user's kubeconfig (its current
 * context; a consumer's `cluster` is not used). Only ever loaded with a dynamic import, so the
 * Lambda bundle, which leaves the client out, never requires it.
 */
export function kubeconfigDeploymentApi(kubeConfig?: KubeConfig): DeploymentApi {
  const config = kubeConfig ?? defaultKubeConfig();
  const apps = config.makeApiClient(AppsV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const externalSecret = { group: "external-secrets.io", version: "v1", plural: "externalsecrets" };
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
    async patchExternalSecretAnnotation(namespace, name, key, value) {
      await custom.patchNamespacedCustomObject(
        {
          ...externalSecret,
          namespace,
          name,
          body: { metadata: { annotations: { [key]: value } } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    },
    async readExternalSecret(namespace, name) {
      return externalSecretState(
        (await custom.getNamespacedCustomObject({
          ...externalSecret,
          namespace,
          name,
        })) as ExternalSecretObject,
      );
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}
