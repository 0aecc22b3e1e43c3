import { AwsClients } from "./aws/clients.js";
import { secretsManagerStore } from "./aws/secrets-store.js";
import { loadHandlerConfig, type HandlerConfig } from "./config.js";
import { eksOptionsFromEnv } from "./reload/eks-options.js";
import { RotationError, STEPS, type Step } from "./engine.js";
import { createEngine, type RuntimeOptions } from "./runtime.js";

/** What Secrets Manager sends a rotation function. */
export interface RotationEvent {
  readonly Step: string;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

let clients: AwsClients | undefined;
/** A secret's ARN never changes its name: look each up once per warm Lambda. */
const names = new Map<string, string>();

/**
 * The Lambda entry point (dist/rotation/index.mjs, an ES module: handler `index.handler`). Configuration comes
 * from rotation-config.json beside it, else VAULTPILOT_ROTATION (see loadHandlerConfig); read on
 * every event (a few KB), so a test may change it. Errors are one line and never hold a value.
 */
export async function handler(event: RotationEvent): Promise<void> {
  clients ??= new AwsClients();
  await handleRotationEvent(event, loadHandlerConfig(), {
    clients,
    eks: eksOptionsFromEnv(process.env),
  });
}

export async function handleRotationEvent(
  event: RotationEvent,
  config: HandlerConfig,
  options: RuntimeOptions = {},
): Promise<void> {
  if (!STEPS.includes(event.Step as Step))
    throw new Error(`unknown rotation step ${JSON.stringify(event.Step)}`);
  const runtimeClients = options.clients ?? new AwsClients(options.aws);
  let name = config.secrets[event.SecretId] ? event.SecretId : names.get(event.SecretId);
  if (!name) {
    name = (await secretsManagerStore(runtimeClients).describe(event.SecretId)).name;
    names.set(event.SecretId, name);
  }
  const secretConfig = config.secrets[name];
  if (!secretConfig)
    throw new RotationError(`this rotation function has no configuration for secret ${name}`);
  const engine = createEngine(event.SecretId, secretConfig, {
    // The Lambda has no kubeconfig and no Kubernetes client: it reaches clusters through EKS.
    kubernetes: "eks",
    ...options,
    clients: runtimeClients,
    ...(config.retry && !options.retry && { retry: config.retry }),
  });
  await engine.step(event.Step as Step, event.ClientRequestToken);
}
