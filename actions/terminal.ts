import type { CliIO } from "./io.js";

/**
 * The terminal helpers every command's text format uses: one way to decide on colour, one
 * palette, one way to count things in words.
 */

/** SGR codes (ECMA-48 §8.3.117) of the colours the text formats use. */
const SGR = {
  red: 31,
  green: 32,
  yellow: 33,
  bold: 1,
  dim: 2,
} as const;

export type Colour = keyof typeof SGR;

/** Paints text with one SGR attribute, or leaves it alone. */
export type Paint = (colour: Colour, text: string) => string;

/**
 * Whether to colour what goes to stdout: never with `NO_COLOR` set (no-color.org), always with
 * `FORCE_COLOR` set to anything but `0`, otherwise only on a terminal.
 */
export function useColor(io: Pick<CliIO, "env" | "isTTY">): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return io.isTTY;
}

/** A painter: with `color` false it returns the text unchanged. */
export function painter(color: boolean): Paint {
  return (colour, text) => (color ? `\u001b[${SGR[colour]}m${text}\u001b[0m` : text);
}

/** `1 error`, `2 errors`, `0 files`: a count and an English noun, with `s` unless it is one. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
