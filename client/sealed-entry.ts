import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * One cached value, sealed with AES-256-GCM under the tenant's data key. The additional
 * authenticated data binds it to its tenant, secret and version: an entry moved to another
 * tenant's or secret's slot, or a changed byte, fails authentication instead of decrypting.
 */
export interface SealedValue {
  /** 12 random bytes, new for every seal (NIST SP 800-38D §8.2.2: random IVs of 96 bits). */
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  /** The 16-byte GCM authentication tag. */
  readonly tag: Buffer;
  /** Whether the value was stored as bytes (SecretBinary) rather than text. */
  readonly binary: boolean;
}

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AAD of an entry: tenant, secret name and version id, unambiguously (a JSON array). */
export function entryAad(tenant: string, secret: string, versionId: string): Buffer {
  return Buffer.from(JSON.stringify([tenant, secret, versionId]), "utf8");
}

/** Encrypts `plaintext` under `key` with a fresh IV; the caller zeroes its plaintext afterwards. */
export function seal(key: Buffer, aad: Buffer, plaintext: Buffer, binary = false): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag(), binary };
}

/**
 * Decrypts and authenticates; undefined when authentication fails (changed bytes, other AAD,
 * other key): the caller fails closed. The returned buffer is the caller's to zero.
 */
export function open(key: Buffer, aad: Buffer, sealed: SealedValue): Buffer | undefined {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) return undefined;
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  const plaintext = decipher.update(sealed.ciphertext);
  try {
    decipher.final();
  } catch {
    plaintext.fill(0);
    return undefined;
  }
  return plaintext;
}
