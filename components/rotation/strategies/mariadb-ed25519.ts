import { createHash } from "node:crypto";

// Edwards25519 (RFC 8032 §5.1): the field prime, the curve constant d and the base point B.
const P = 2n ** 255n - 19n;
const mod = (a: bigint) => ((a % P) + P) % P;
function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = mod(result * b);
    b = mod(b * b);
  }
  return result;
}
const inverse = (a: bigint) => power(a, P - 2n);
const D = mod(-121665n * inverse(121666n));
const BY = mod(4n * inverse(5n));
const BX = (() => {
  // x² = (y² - 1) / (d y² + 1); the root with x even (RFC 8032 §5.1.3).
  const xx = mod((BY * BY - 1n) * inverse(D * BY * BY + 1n));
  let x = power(xx, (P + 3n) / 8n);
  if (mod(x * x - xx) !== 0n) x = mod(x * power(2n, (P - 1n) / 4n));
  return x & 1n ? P - x : x;
})();

/** A point in extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z. */
type Point = readonly [bigint, bigint, bigint, bigint];

function add([x1, y1, z1, t1]: Point, [x2, y2, z2, t2]: Point): Point {
  // RFC 8032 §5.1.4, "add-2008-hwcd-3".
  const a = mod((y1 - x1) * (y2 - x2));
  const b = mod((y1 + x1) * (y2 + x2));
  const c = mod(2n * D * t1 * t2);
  const d = mod(2n * z1 * z2);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function multiplyBase(scalar: bigint): Point {
  let result: Point = [0n, 1n, 1n, 0n];
  let addend: Point = [BX, BY, 1n, mod(BX * BY)];
  for (let k = scalar; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function encode([x, y, z]: Point): Buffer {
  const zi = inverse(z);
  const ax = mod(x * zi);
  const ay = mod(y * zi);
  const out = Buffer.alloc(32);
  let v = ay;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (ax & 1n) out[31]! |= 0x80;
  return out;
}

/** The order of the base point (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const littleEndian = (bytes: Buffer): bigint => {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
};

function scalarBytes(n: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function clamped(h: Buffer): bigint {
  const a = Buffer.from(h.subarray(0, 32));
  a[0]! &= 248;
  a[31]! &= 63;
  a[31]! |= 64;
  return littleEndian(a);
}

/**
 * An Ed25519 signature (RFC 8032 §5.1.6) of `message` by the key whose 64-byte expanded secret is
 * `h`: MariaDB's client_ed25519 answer to the server's scramble, `h` being SHA-512(password)
 * (libmariadb plugins/auth/ed25519.c, `crypto_sign`).
 */
export function ed25519SignWithHash(h: Buffer, message: Buffer): Buffer {
  const a = clamped(h);
  const publicKey = encode(multiplyBase(a));
  const sha512 = (...parts: Buffer[]) => createHash("sha512").update(Buffer.concat(parts)).digest();
  const r = littleEndian(sha512(h.subarray(32, 64), message)) % L;
  const R = encode(multiplyBase(r));
  const k = littleEndian(sha512(R, publicKey, message)) % L;
  return Buffer.concat([R, scalarBytes((r + k * a) % L)]);
}

/**
 * mysql2's authentication plugin for MariaDB's ed25519 accounts (`client_ed25519`), which mysql2
 * lacks: it answers the server's 32-byte scramble with the signature made from the password.
 */
export function clientEd25519(password: string): () => (scramble: Buffer) => Buffer {
  return () => (scramble) =>
    ed25519SignWithHash(createHash("sha512").update(password, "utf8").digest(), scramble);
}

/**
 * The ed25519 public key for a 64-byte hash `h` (its first half clamped as RFC 8032 §5.1.5 and
 * MariaDB's `crypto_sign_keypair` do), little-endian, 32 bytes.
 */
export function ed25519PublicKeyFromHash(h: Buffer): Buffer {
  return encode(multiplyBase(clamped(h)));
}

/**
 * MariaDB's ed25519 plugin's stored form of `password`: the public key whose secret scalar comes
 * from SHA-512 of the password itself (plugin/auth_ed25519/ref10/sign.c, `crypto_sign_keypair`),
 * base64 without padding (43 characters), as `IDENTIFIED VIA ed25519 USING '…'` takes it.
 */
export function mariadbEd25519Hash(password: string): string {
  const h = createHash("sha512").update(password, "utf8").digest();
  return ed25519PublicKeyFromHash(h).toString("base64").replace(/=+$/, "");
}
