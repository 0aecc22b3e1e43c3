/**
 * Replaces secret values in text before the action writes or posts it. The runner masks only its
 * own log (`core.setSecret` just asks it to): the job summary, files such as the SARIF and the
 * report, step outputs and comments posted through the API are not masked by anyone else.
 */
export class Masker {
  private readonly values: string[];

  /** Values shorter than 4 characters are not masked: masking "a" would garble every word. */
  constructor(values: readonly string[]) {
    this.values = [...new Set(values.filter((v) => v.length >= 4))].sort(
      (a, b) => b.length - a.length,
    );
  }

  get count(): number {
    return this.values.length;
  }

  /** `text` with every occurrence of every value replaced by `***`. */
  mask(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join("***");
    return out;
  }
}
