import { createPublicKey, constants, verify, type KeyObject } from "node:crypto";
import type { KMSClient } from "@aws-sdk/client-kms";
import { GetPublicKeyCommand, SignCommand, VerifyCommand } from "@aws-sdk/client-kms";

/**
 * Signs and checks the manifest's statement with an asymmetric KMS key (RSA, SIGN_VERIFY),
 * algorithm RSASSA_PSS_SHA_256 (PKCS #1 v2.2 §8.1, SHA-256 and MGF1-SHA-256). The message is
 * sent RAW (moto ignores MessageType DIGEST; the statement is well under KMS's 4,096 bytes).
 */
export interface ManifestSigner {
  sign(message: Uint8Array): Promise<{ keyId: string; signature: Uint8Array }>;
}

export interface ManifestVerifier {
  /** Whether the signature verifies; throws when it could not be checked. */
  verify(keyId: string, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  readonly how: string;
}

export class KmsManifestSigner implements ManifestSigner {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async sign(message: Uint8Array) {
    const out = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: message,
        MessageType: "RAW",
        SigningAlgorithm: "RSASSA_PSS_SHA_256",
      }),
    );
    if (!out.Signature || !out.KeyId) throw new Error("KMS Sign returned no signature");
    return { keyId: out.KeyId, signature: out.Signature };
  }
}

/** KMS Verify: needs kms:Verify on the key, no key material leaves KMS. */
export class KmsManifestVerifier implements ManifestVerifier {
  readonly how = "KMS Verify";
  /** `kms(region)`: the key's ARN names its region; undefined for the default one. */
  constructor(private readonly kms: (region: string | undefined) => KMSClient) {}

  async verify(keyId: string, message: Uint8Array, signature: Uint8Array) {
    const region = keyId.startsWith("arn:") ? keyId.split(":")[3] : undefined;
    try {
      const out = await this.kms(region || undefined).send(
        new VerifyCommand({
          KeyId: keyId,
          Message: message,
          MessageType: "RAW",
          Signature: signature,
          SigningAlgorithm: "RSASSA_PSS_SHA_256",
        }),
      );
      return out.SignatureValid === true;
    } catch (error) {
      // KMS answers an invalid signature with KMSInvalidSignatureException.
      if (error instanceof Error && error.name === "KMSInvalidSignatureException") return false;
      throw error;
    }
  }
}

/**
 * Offline: the key's public half (KMS GetPublicKey: DER SubjectPublicKeyInfo, or PEM). PSS salt
 * length is read from the signature (KMS uses 32 bytes; moto the maximum).
 */
export class PublicKeyManifestVerifier implements ManifestVerifier {
  readonly how = "the public key given";
  private readonly key: KeyObject;

  constructor(keyBytes: Uint8Array) {
    const text = Buffer.from(keyBytes).toString("utf8");
    this.key = text.includes("-----BEGIN")
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(keyBytes), format: "der", type: "spki" });
  }

  async verify(_keyId: string, message: Uint8Array, signature: Uint8Array) {
    return verify(
      "sha256",
      message,
      {
        key: this.key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      signature,
    );
  }
}

/** The key's public half as PEM (GetPublicKey), for auditors who verify offline. */
export async function publicKeyPem(kms: KMSClient, keyId: string): Promise<string> {
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!out.PublicKey) throw new Error("KMS GetPublicKey returned no key");
  return createPublicKey({ key: Buffer.from(out.PublicKey), format: "der", type: "spki" })
    .export({ format: "pem", type: "spki" })
    .toString();
}
