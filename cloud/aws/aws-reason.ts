/**
 * One line that says why an AWS call failed, from the SDK's error: its name and message, or the
 * network error's code. Never the request or response (they could carry a value).
 */
export function awsReason(error: unknown): string {
  const e = unwrap(error);
  const code =
    typeof e === "object" && e && "code" in e ? String((e as { code: unknown }).code) : "";
  const name = e instanceof Error ? e.name : "";
  const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.trim();
  if (
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH"].includes(
      code,
    )
  ) {
    return `endpoint unreachable (${message.includes(code) ? message : `${code} ${message}`.trim()})`;
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return `throttled past retries (${name}: ${message})`;
  }
  if (
    /InvalidClientTokenId|UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|CredentialsProviderError|AccessDenied|NotAuthorized/i.test(
      name,
    )
  ) {
    return `credentials refused (${name}: ${message})`;
  }
  return name && name !== "Error" ? `${name}: ${message}` : message || "unknown error";
}

/** Node reports a refused connection to localhost as an AggregateError of one per address. */
function unwrap(error: unknown): unknown {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors[0];
  return error;
}
