import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** PostgreSQL's default iteration count (`scram_iterations`, src/include/common/scram-common.h). */
export const SCRAM_ITERATIONS = 4096;
/** Salt length in bytes, as PostgreSQL's own `pg_be_scram_build_secret` draws it. */
export const SCRAM_SALT_BYTES = 16;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password`, computed here as `psql`'s
 * `\password` does (libpq's `PQencryptPasswordConn`), so `ALTER ROLE … PASSWORD '<verifier>'`
 * never carries the password itself to the server or its log (`log_statement`).
 *
 * Shape: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, each part base64
 * (PostgreSQL docs, "Password Authentication"; RFC 5802 §3, RFC 7677):
 * SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations, 32),
 * StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
 */
export function scramSha256Verifier(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): string {
  const salt = options.salt ?? randomBytes(SCRAM_SALT_BYTES);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  const salted = pbkdf2Sync(
    Buffer.from(saslPrep(password), "utf8"),
    salt,
    iterations,
    32,
    "sha256",
  );
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  const b64 = (b: Buffer) => b.toString("base64");
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

// RFC 3454 tables as PostgreSQL's pg_saslprep applies them (src/common/saslprep.c), as code-point
// ranges [first, last].
type Ranges = readonly (readonly [number, number])[];
/** C.1.2: non-ASCII spaces, mapped to U+0020. */
const NON_ASCII_SPACE: Ranges = [
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
/** B.1: commonly mapped to nothing. */
const MAPPED_TO_NOTHING: Ranges = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200c, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
/** C.2-C.9: control, private use, non-characters, surrogates, tagging: prohibited. */
const PROHIBITED: Ranges = [
  [0x0, 0x1f],
  [0x7f, 0x9f],
  [0x6dd, 0x6dd],
  [0x70f, 0x70f],
  [0x180e, 0x180e],
  [0x200c, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0xd800, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xffff],
  [0x1d173, 0x1d17a],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xf0000, 0x10ffff],
];
const within = (ranges: Ranges, cp: number) => ranges.some(([a, b]) => cp >= a && cp <= b);

/**
 * SASLprep (RFC 4013) as PostgreSQL applies it to a password: printable ASCII is unchanged;
 * otherwise spaces are mapped, ignorable characters dropped and the text NFKC-normalised. Like
 * PostgreSQL, a password with prohibited characters is used as given, bytes unchanged.
 */
export function saslPrep(password: string): string {
  if (/^[\x20-\x7E]*$/.test(password)) return password;
  let mapped = "";
  for (const ch of password) {
    const cp = ch.codePointAt(0)!;
    if (within(MAPPED_TO_NOTHING, cp)) continue;
    mapped += within(NON_ASCII_SPACE, cp) ? " " : ch;
  }
  mapped = mapped.normalize("NFKC");
  for (const ch of mapped) if (within(PROHIBITED, ch.codePointAt(0)!)) return password;
  return mapped || password;
}
