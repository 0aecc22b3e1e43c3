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
  /**
   * Sets one annotation of an ExternalSecret with a JSON merge patch (PATCH
   * /apis/external-secrets.io/v1/namespaces/{namespace}/externalsecrets/{name}; custom resources
   * take no strategic-merge patch). Needed only for consumers that receive their secret through
   * External Secrets.
   */
  patchExternalSecretAnnotation?(
    namespace: string,
    name: string,
    key: string,
    value: string,
  ): Promise<void>;
  /** GET of the same path: its annotations and sync status. */
  readExternalSecret?(namespace: string, name: string): Promise<ExternalSecretState>;
}

/** What the reloader reads of an ExternalSecret. */
export interface ExternalSecretState {
  readonly annotations: Readonly<Record<string, string>>;
  /** status.syncedResourceVersion: `<generation>-<hash of labels and annotations>` when last synced. */
  readonly syncedResourceVersion?: string;
  /** The Ready condition's status ("True" after a successful sync) and message. */
  readonly ready?: { readonly status: string; readonly message?: string };
}

/** An ExternalSecret as the API returns it, as far as the reloader reads it. */
export interface ExternalSecretObject {
  readonly metadata?: { readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly syncedResourceVersion?: string;
    readonly conditions?: readonly { type?: string; status?: string; message?: string }[];
  };
}

export function externalSecretState(object: ExternalSecretObject): ExternalSecretState {
  const ready = object.status?.conditions?.find((c) => c.type === "Ready");
  return {
    annotations: object.metadata?.annotations ?? {},
    ...(object.status?.syncedResourceVersion !== undefined && {
      syncedResourceVersion: object.status.syncedResourceVersion,
    }),
    ...(ready?.status !== undefined && {
      ready: {
        status: ready.status,
        ...(ready.message !== undefined && { message: ready.message }),
      },
    }),
  };
}

/** The ExternalSecret annotation whose change makes External Secrets sync at once. */
export const SYNC_ANNOTATION = "vaultpilot.dev/secret-version";

/** Synced since `before`: the sync status moved, and the sync succeeded. */
export function externalSecretSynced(
  before: ExternalSecretState,
  now: ExternalSecretState,
): boolean {
  return (
    now.ready?.status === "True" &&
    now.syncedResourceVersion !== undefined &&
    now.syncedResourceVersion !== before.syncedResourceVersion
  );
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
      if (target.externalSecret)
        await syncExternalSecret(
          api,
          target.externalSecret,
          versionId,
          wait,
          `deployment ${namespace}/${name}`,
        );
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

/**
 * Makes External Secrets copy the new version before its consumer restarts, and waits for it:
 * setting an annotation changes the ExternalSecret's labels-and-annotations hash, and the operator
 * refreshes an ExternalSecret whose status.syncedResourceVersion (`<generation>-<that hash>`) no
 * longer matches, then records the new one (external-secrets v2.9.0,
 * pkg/controllers/externalsecret/externalsecret_controller.go shouldRefreshPeriodic and markAsDone;
 * pkg/controllers/util/util.go GetResourceVersion). A content hash of the version, never a time:
 * a retried reload of the same version is already synced. On timeout nothing is restarted.
 */
async function syncExternalSecret(
  api: DeploymentApi,
  target: { readonly namespace: string; readonly name: string },
  versionId: string,
  wait: WaitOptions,
  consumer: string,
): Promise<void> {
  if (!api.patchExternalSecretAnnotation || !api.readExternalSecret)
    throw new Error(
      `this Kubernetes access cannot wait for External Secrets; ${consumer} was not restarted`,
    );
  const { namespace, name } = target;
  const value = restartAnnotation(versionId);
  const before = await api.readExternalSecret(namespace, name);
  if (before.annotations[SYNC_ANNOTATION] === value && before.ready?.status === "True") return;
  await api.patchExternalSecretAnnotation(namespace, name, SYNC_ANNOTATION, value);
  let last = before;
  try {
    await waitFor(
      `External Secrets to sync ExternalSecret ${namespace}/${name}`,
      wait,
      async () => {
        last = await api.readExternalSecret!(namespace, name);
        return externalSecretSynced(before, last);
      },
    );
  } catch (error) {
    const ready = last.ready
      ? `; its Ready condition is ${last.ready.status}${last.ready.message ? ` (${last.ready.message})` : ""}`
      : "";
    throw new Error(
      `${(error as Error).message} (status.syncedResourceVersion stayed ${before.syncedResourceVersion ?? "unset"}${ready}); ` +
        `${consumer} was not restarted, so it keeps the copy it has`,
      { cause: error },
    );
  }
}
