// Stands in for iconv-lite in the Lambda bundle (it is 480 KB of code tables). mysql2 asks it only
// for encodings Node's Buffer lacks; the rotation talks utf8mb4, so decoding through TextDecoder
// is enough and encoding to other charsets is refused in one line.

export function getDecoder(encoding: string) {
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
  try {
    new TextDecoder(encoding);
    return true;
  } catch {
    return false;
  }
}
