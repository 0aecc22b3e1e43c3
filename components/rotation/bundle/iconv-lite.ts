// Stands in for iconv-lite in the Lambda bundle (it is 480 KB of code tables). mysql2 asks it only
// for encodings Node's Buffer lacks: cesu8 (MySQL's 3-byte "utf8", decoded here) and legacy
// charsets (decoded through TextDecoder). The rotation talks utf8mb4, so encoding to other
// charsets is refused in one line.

/** CESU-8: UTF-8 where characters beyond the BMP are two 3-byte surrogates. */
export function decodeCesu8(bytes: Uint8Array): string {
  let out = "";
  const units: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    let unit: number;
    if (b < 0x80) {
      unit = b;
      i += 1;
    } else if (b >= 0xc0 && b < 0xe0 && i + 1 < bytes.length) {
      unit = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b >= 0xe0 && b < 0xf0 && i + 2 < bytes.length) {
      unit = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else if (b >= 0xf0 && i + 3 < bytes.length) {
      // Plain 4-byte UTF-8 also turns up; keep it rather than replace it.
      const point =
        ((b & 0x07) << 18) |
        ((bytes[i + 1]! & 0x3f) << 12) |
        ((bytes[i + 2]! & 0x3f) << 6) |
        (bytes[i + 3]! & 0x3f);
      units.push(0xd800 + ((point - 0x10000) >> 10), 0xdc00 + ((point - 0x10000) & 0x3ff));
      i += 4;
      continue;
    } else {
      unit = 0xfffd;
      i += 1;
    }
    units.push(unit);
    if (units.length > 4096) out += String.fromCharCode(...units.splice(0));
  }
  return out + String.fromCharCode(...units);
}

export function getDecoder(encoding: string) {
  if (encoding.toLowerCase() === "cesu8") {
    return { write: (buffer: Uint8Array) => decodeCesu8(buffer), end: () => "" };
  }
  const decoder = new TextDecoder(encoding);
  return {
    write: (buffer: Uint8Array) => decoder.decode(buffer, { stream: true }),
    end: () => decoder.decode(),
  };
}

export function getEncoder(encoding: string): never {
  throw new Error(`the rotation Lambda does not encode ${encoding}; use a utf8mb4 connection`);
}

export function encodingExists(encoding: string): boolean {
  if (encoding.toLowerCase() === "cesu8") return true;
  try {
    new TextDecoder(encoding);
    return true;
  } catch {
    return false;
  }
}
