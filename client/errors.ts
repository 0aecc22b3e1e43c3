// The client's own errors, in the domain's words: no store's error names reach a caller. None of
// them ever carries a secret's value: messages name the tenant, the secret and what went wrong.

/** Why a secret could not be served. */
export type UnavailableReason =
  /** The store could not be reached (network, 5xx, throttling) and no cached value was young enough. */
  | "unreachable"
  /** The store has no such secret, or no version at the stage asked for. */
  | "not-found"
  /** The store or KMS refused the caller (access denied, key disabled, bad request). */
  | "refused"
  /** The client was closed. */
  | "closed";

/** A secret could not be served; `reason` says why, `cause` is the store's error (never a value). */
export class SecretUnavailable extends Error {
  override name = "SecretUnavailable";
  constructor(
    readonly tenant: string,
    readonly secret: string,
    readonly reason: UnavailableReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`secret ${secret} of tenant ${tenant} is unavailable (${reason}): ${detail}`, options);
  }
}

/**
 * A cached entry failed authentication (AES-GCM tag): its ciphertext was changed, or it was sealed
 * for another tenant, secret or version. The entry is dropped and nothing is returned: the next
 * call reads the store again.
 */
export class SecretIntegrityError extends Error {
  override name = "SecretIntegrityError";
  constructor(
    readonly tenant: string,
    readonly secret: string,
  ) {
    super(
      `the cached entry of secret ${secret} of tenant ${tenant} failed authentication and was dropped`,
    );
  }
}
