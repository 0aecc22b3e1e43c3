import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import { GENERATED, schemaValidatorsSource } from "../../scripts/compile-schemas.mjs";

const root = join(import.meta.dirname, "..", "..");

describe("the generated schema validators", () => {
  it("are exactly what scripts/compile-schemas.mjs makes of schemas/ (run npm run build after editing a schema)", () => {
    const committed = readFileSync(join(root, GENERATED as string), "utf8");
    expect(committed === (schemaValidatorsSource as () => string)()).toBe(true);
  });
});
