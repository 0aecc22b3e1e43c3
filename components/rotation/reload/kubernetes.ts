import { createHash } from "node:crypto";
import type { KubernetesReload } from "../../../program/documents.js";
import type { Reloader } from "../engine.js";
import { waitFor, type WaitOptions } from "./wait.js";

export const RESTART_ANNOTATION = "vaultpilot.dev/secret-version";

/** A content hash, never a time: the same version always gives the same annotation. */
export function restartAnnotation(versionId: string): string {
  return createHash("sha256").update(versionId).digest("hex").slice(0, 16);
}

/** A Deployment's wanted replicas and rollout progress, as its `spec` and `status` give them. */
export interface DeploymentStatus {
  /** spec.replicas. @default 1 */
  readonly replicas?: number;
  readonly observedGeneration?: number;
  readonly updatedReplicas?: number;
  readonly readyReplicas?: number;
}

/**
 * The Kubernetes API as far as a rollout restart uses it. One implementation per way of reaching
 * a cluster: the CLI's kubeconfig (./kubernetes-kubeconfig.ts, over @kubernetes/client-node) and
 * the Lambda's EKS (./kubernetes-eks.ts, plain HTTPS with an IAM token).
 */
export interface DeploymentApi {
  /**
   * Sets one pod-template annotation with a strategic-merge patch (PATCH
   * /apis/apps/v1/namespaces/{namespace}/deployments/{name}); returns the new metadata.generation.
   */
  patchTemplateAnnotation(
    namespace: string,
    name: string,
    key: string,
    value: string,
  ): Promise<number>;
  /** GET of the same path: the replicas wanted and the rollout's status. */
  readStatus(namespace: string, name: string): Promise<DeploymentStatus>;
}

/** The API that reaches the cluster a consumer's reload block names. */
export type DeploymentApiFor = (target: KubernetesReload) => Promise<DeploymentApi>;

/** The strategic-merge patch that sets one pod-template annotation. */
export function templateAnnotationPatch(key: string, value: string) {
  return { spec: { template: { metadata: { annotations: { [key]: value } } } } };
}

/** Rolled out: the controller saw the patched generation and every wanted replica is new and ready. */
export function rolledOut(status: DeploymentStatus, generation: number): boolean {
  const wanted = status.replicas ?? 1;
  return (
    (status.observedGeneration ?? 0) >= generation &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.readyReplicas ?? 0) === wanted
  );
}

/** Kubernetes: a pod-template annotation change is a rollout restart; ready when all replicas are. */
export function kubernetesReloader(apiFor: DeploymentApiFor, wait: WaitOptions = {}): Reloader {
  return {
    async reload(target, versionId) {
      if (target.runtime !== "kubernetes")
        throw new Error(`kubernetes reloader given a ${target.runtime} target`);
      const { namespace, deployment: name } = target.kubernetes;
      const api = await apiFor(target.kubernetes);
      const generation = await api.patchTemplateAnnotation(
        namespace,
        name,
        RESTART_ANNOTATION,
        restartAnnotation(versionId),
      );
      await waitFor(`deployment ${namespace}/${name} to be ready`, wait, async () =>
        rolledOut(await api.readStatus(namespace, name), generation),
      );
    },
  };
}
