/**
 * Characters that make a name look right and be wrong: invisible ones (zero-width space, word
 * joiner, byte-order mark, bidirectional controls), spaces other than the ASCII space (no-break
 * space), and letters of other scripts that look Latin (Cyrillic "а", Greek "ο"). Policy names are
 * ASCII, so a message about one of them names the character by its code point (Unicode Standard
 * §4.1, "U+" notation) and says where it is, since the text looks identical on screen.
 */

/** The Unicode names of the characters people paste by accident, for the message. */
const NAMES: Readonly<Record<number, string>> = {
  0x00a0: "NO-BREAK SPACE",
  0x00ad: "SOFT HYPHEN",
  0x034f: "COMBINING GRAPHEME JOINER",
  0x061c: "ARABIC LETTER MARK",
  0x180e: "MONGOLIAN VOWEL SEPARATOR",
  0x2000: "EN QUAD",
  0x2001: "EM QUAD",
  0x2002: "EN SPACE",
  0x2003: "EM SPACE",
  0x2007: "FIGURE SPACE",
  0x2008: "PUNCTUATION SPACE",
  0x2009: "THIN SPACE",
  0x200a: "HAIR SPACE",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x2010: "HYPHEN",
  0x2011: "NON-BREAKING HYPHEN",
  0x2012: "FIGURE DASH",
  0x2013: "EN DASH",
  0x2014: "EM DASH",
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x202f: "NARROW NO-BREAK SPACE",
  0x205f: "MEDIUM MATHEMATICAL SPACE",
  0x2060: "WORD JOINER",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0x2212: "MINUS SIGN",
  0x3000: "IDEOGRAPHIC SPACE",
  0xfeff: "ZERO WIDTH NO-BREAK SPACE",
};

/**
 * Letters of other scripts that look like a Latin letter or digit (Unicode's confusables.txt,
 * the ones found in lowercase names), keyed by code point, with the ASCII they look like.
 */
const LOOKALIKES: Readonly<Record<number, string>> = {
  0x0430: "a", // CYRILLIC SMALL LETTER A
  0x0441: "c", // CYRILLIC SMALL LETTER ES
  0x0501: "d", // CYRILLIC SMALL LETTER KOMI DE
  0x0435: "e", // CYRILLIC SMALL LETTER IE
  0x04bb: "h", // CYRILLIC SMALL LETTER SHHA
  0x0456: "i", // CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
  0x0458: "j", // CYRILLIC SMALL LETTER JE
  0x04cf: "l", // CYRILLIC SMALL LETTER PALOCHKA
  0x043e: "o", // CYRILLIC SMALL LETTER O
  0x0440: "p", // CYRILLIC SMALL LETTER ER
  0x0455: "s", // CYRILLIC SMALL LETTER DZE
  0x0443: "y", // CYRILLIC SMALL LETTER U
  0x0445: "x", // CYRILLIC SMALL LETTER HA
  0x051b: "q", // CYRILLIC SMALL LETTER QA
  0x051d: "w", // CYRILLIC SMALL LETTER WE
  0x03b1: "a", // GREEK SMALL LETTER ALPHA
  0x03b9: "i", // GREEK SMALL LETTER IOTA
  0x03ba: "k", // GREEK SMALL LETTER KAPPA
  0x03bd: "v", // GREEK SMALL LETTER NU
  0x03bf: "o", // GREEK SMALL LETTER OMICRON
  0x03c1: "p", // GREEK SMALL LETTER RHO
  0x03c5: "u", // GREEK SMALL LETTER UPSILON
  0x0131: "i", // LATIN SMALL LETTER DOTLESS I
};

/** One character of a string that is not printable ASCII. */
export interface OddCharacter {
  /** Its index in the string, in UTF-16 units (as columns count). */
  readonly index: number;
  /** The character itself. */
  readonly character: string;
  /** `U+200B ZERO WIDTH SPACE, invisible`, `U+0430, a Cyrillic letter that looks like "a"`. */
  readonly description: string;
}

/** `U+200B`: the code point in the Unicode Standard's notation, at least four hex digits. */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first character outside printable ASCII (U+0020 to U+007E), described; undefined if none. */
export function oddCharacter(text: string): OddCharacter | undefined {
  let index = 0;
  for (const character of text) {
    const point = character.codePointAt(0)!;
    if (point < 0x20 || point > 0x7e) {
      return { index, character, description: describeCharacter(character) };
    }
    index += character.length;
  }
  return undefined;
}

function describeCharacter(character: string): string {
  const point = character.codePointAt(0)!;
  const name = NAMES[point];
  const looksLike = LOOKALIKES[point];
  const script = /\p{Script=Cyrillic}/u.test(character)
    ? "Cyrillic"
    : /\p{Script=Greek}/u.test(character)
      ? "Greek"
      : undefined;
  if (looksLike) {
    return `${codePoint(character)}, ${script ? `a ${script}` : "a"} letter that looks like "${looksLike}"`;
  }
  if (/[\p{Cf}\p{Cc}\p{Mn}]/u.test(character))
    return `${codePoint(character)}${name ? ` ${name}` : ""}, invisible`;
  if (/\p{Zs}/u.test(character))
    return `${codePoint(character)}${name ? ` ${name}` : ""}, a space that is not the ASCII space`;
  if (script) return `${codePoint(character)}, a ${script} letter`;
  return `${codePoint(character)}${name ? ` ${name}` : ""}, not ASCII`;
}

/** The text with every character outside printable ASCII shown as `<U+200B>`, quoted. */
export function showVisibly(text: string): string {
  let shown = "";
  for (const character of text) {
    const point = character.codePointAt(0)!;
    shown += point < 0x20 || point > 0x7e ? `<${codePoint(character)}>` : character;
  }
  return JSON.stringify(shown);
}
