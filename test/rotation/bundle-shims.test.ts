import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeCesu8, getDecoder } from "../../components/rotation/bundle/iconv-lite.js";

describe("the Lambda bundle's iconv-lite stand-in", () => {
  it("decodes CESU-8 as iconv-lite does, surrogate pairs included", () => {
    const text = "plain, é, €, 𝄞 and 😀";
    const bytes = iconv.encode(text, "cesu8");
    expect(decodeCesu8(bytes)).toBe(iconv.decode(bytes, "cesu8"));
    expect(decodeCesu8(bytes)).toBe(text);
  });

  it("decodes legacy charsets through TextDecoder", () => {
    const decoder = getDecoder("windows-1252");
    expect(decoder.write(Uint8Array.from([0x80, 0x41])) + decoder.end()).toBe("€A");
  });
});
