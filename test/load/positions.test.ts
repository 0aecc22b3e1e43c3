import { describe, expect, it } from "vitest";
import { LineIndex } from "../../program/load/document-source.js";
import { validateText } from "../support/validate-text.js";

describe("LineIndex", () => {
  it("maps offsets to 1-based lines and columns, CRLF and a missing final newline included", () => {
    const lines = new LineIndex("ab\r\ncd\n\nef");

    expect(lines.positionOf(0)).toEqual({ line: 1, column: 1 });
    expect(lines.positionOf(2)).toEqual({ line: 1, column: 3 });
    expect(lines.positionOf(4)).toEqual({ line: 2, column: 1 });
    expect(lines.positionOf(7)).toEqual({ line: 3, column: 1 });
    expect(lines.positionOf(10)).toEqual({ line: 4, column: 3 });
    expect(lines.positionOf(99)).toEqual({ line: 4, column: 3 });
  });
});

describe("positions after a YAML syntax error", () => {
  it("stay on the right line in the documents that follow", () => {
    // Found by the property test: yaml's own line counter skips the line break after the
    // NUL character (in text not read from disk, where it means binary), which put the second document's diagnostics one line too high.
    const text =
      "#\n   yaml-language-server: $schema=../../../schemas/service.schema.json\n" +
      "apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: reporting\n  tenant: globex\n" +
      "spec:\n  runtime:\u0000 ecs\n  reload:\n    ecs: { cluster: globex, service: reporting }\n---\n" +
      "apiVersion: vaultpilot.dev/v1\nkind: Service\nmetadata:\n  name: mailer\n  tenant: globex\nspec:\n  runtime:";

    const result = validateText({ "services.yaml": text });

    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual([
      "3:1 yaml-syntax",
      // the empty value after the last "runtime:"; yaml's counter said line 18
      "19:11 schema",
    ]);
  });
});
