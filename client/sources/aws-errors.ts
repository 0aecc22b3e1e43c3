import { SourceSecretNotFound, SourceUnreachable } from "../source.js";

interface AwsError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

/** Throttling error codes (AWS SDK's own list, @smithy/service-error-classification). */
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "SlowDown",
]);

/**
 * An SDK error in the client's terms: unreachable (no HTTP answer, 5xx, throttling), not found,
 * or the error itself (a refusal). `what` names the call for the message; the original error is
 * kept as `cause` (SDK errors carry codes and request ids, never the secret's value).
 */
export function classifyAwsError(error: unknown, what: string): Error {
  const e = (error ?? {}) as AwsError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === "ResourceNotFoundException") {
    return new SourceSecretNotFound(`${what}: not found`, { cause: error });
  }
  if (status === undefined || status >= 500 || status === 429 || THROTTLING.has(e.name ?? "")) {
    return new SourceUnreachable(
      `${what}: ${status === undefined ? `no answer (${e.name ?? "error"})` : `${e.name ?? "error"} (HTTP ${status})`}`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(`${what}: ${String(e.name ?? "error")}`);
}
