import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runProgram } from "../../actions/plan/program-run.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
// @ts-expect-error -- a plain .mjs script without types
import { writeJsonSchemas } from "../../scripts/crd-json-schemas.mjs";
import { deliveryModel } from "../support/kubernetes-delivery-policies.js";

// The manifests the program writes, as the engine would apply them (the recorded inputs), checked
// against the upstream CRDs pinned in test/fixtures/crds/ (SOURCES.md) with kubeconform, and the
// core kinds against @kubernetes/client-node's types with the TypeScript compiler.

type Manifest = { apiVersion: string; kind: string; metadata: { name: string } };
const KUBECONFORM = join(
  execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(),
  "bin",
  "kubeconform",
);
const CORE_KINDS = ["Namespace", "ServiceAccount"];
const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "crds");
const dir = mkdtempSync(join(tmpdir(), "vaultpilot-crds-"));
const schemas = join(dir, "schemas");
const converted = (writeJsonSchemas as (out: string, files: string[]) => string[])(
  schemas,
  readdirSync(fixtures)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => join(fixtures, f)),
);

async function manifestsOf(model: Parameters<typeof runProgram>[0]): Promise<Manifest[]> {
  const run = await runProgram(
    model,
    readStackSettings("crds", () => undefined),
  );
  return run.resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .map((r) => r.inputs as unknown as Manifest);
}

function kubeconform(manifests: readonly Manifest[]) {
  const file = join(dir, `manifests-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, manifests.map((m) => stringify(m)).join("---\n"));
  const result = spawnSync(
    KUBECONFORM,
    [
      "-strict",
      "-summary",
      "-output",
      "json",
      "-skip",
      CORE_KINDS.join(","),
      "-schema-location",
      join(schemas, "{{.ResourceKind}}{{.KindSuffix}}.json"),
      file,
    ],
    { encoding: "utf8" },
  );
  const report = JSON.parse(result.stdout) as {
    resources: { kind: string; name: string; status: string; msg: string }[];
    summary: { valid: number; invalid: number; errors: number; skipped: number };
  };
  return { status: result.status, ...report };
}

/** Diagnostics of core-kind manifests typed as @kubernetes/client-node's V1<Kind>. */
function coreKindDiagnostics(manifests: readonly Manifest[]): string[] {
  const core = manifests.filter((m) => CORE_KINDS.includes(m.kind));
  const file = join(root, "test", "kubernetes", `.core-kinds-${process.pid}.ts`);
  const text =
    // The two model files, not the package's index: the whole client takes the compiler seconds.
    `import type { V1Namespace } from "@kubernetes/client-node/dist/gen/models/V1Namespace.js";\n` +
    `import type { V1ServiceAccount } from "@kubernetes/client-node/dist/gen/models/V1ServiceAccount.js";\n` +
    core.map((m, i) => `export const m${i}: V1${m.kind} = ${JSON.stringify(m)};\n`).join("");
  const host = ts.createCompilerHost({});
  const read = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? text : read(name));
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || exists(name);
  const program = ts.createProgram(
    [file],
    {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
    },
    host,
  );
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("the Kubernetes manifests against upstream schemas", () => {
  it("converts the pinned CRDs into one schema per served version, named as kubeconform looks them up", () => {
    expect([...converted].sort()).toEqual([
      "externalsecret-external-secrets-v1.json",
      "secretproviderclass-secrets-store-v1.json",
      "secretproviderclass-secrets-store-v1alpha1.json",
      "secretstore-external-secrets-v1.json",
    ]);
  });

  it.each([
    ["the delivery fixture", deliveryModel],
    ["the example policies", () => validatePolicies(join(root, "policies")).model!],
  ])(
    "passes kubeconform -strict for %s",
    async (_, model) => {
      const manifests = await manifestsOf(model());
      const custom = manifests.filter((m) => !CORE_KINDS.includes(m.kind));
      expect(custom.length).toBeGreaterThan(0);
      const result = kubeconform(manifests);
      expect(
        result.resources.filter((r) => r.status !== "statusValid" && r.status !== "statusSkipped"),
      ).toEqual([]);
      expect(result.summary).toMatchObject({ valid: custom.length, invalid: 0, errors: 0 });
      expect(result.status).toBe(0);
      expect(coreKindDiagnostics(manifests)).toEqual([]);
    },
    120_000,
  );

  it("rejects what the CRDs do not allow (the check can fail)", { timeout: 120_000 }, async () => {
    const manifests = await manifestsOf(deliveryModel());
    const external = manifests.find((m) => m.kind === "ExternalSecret") as unknown as {
      spec: { target: { creationPolicy: string }; data: { remoteRef: Record<string, string> }[] };
    };
    external.spec.target.creationPolicy = "Owned";
    const store = manifests.find((m) => m.kind === "SecretStore") as unknown as {
      spec: { provider: { aws: Record<string, unknown> } };
    };
    store.spec.provider.aws.serviceAccount = "x";
    const result = kubeconform([external as unknown as Manifest, store as unknown as Manifest]);
    expect(result.status).toBe(1);
    expect(result.summary.invalid).toBe(2);
    expect(result.resources.map((r) => r.msg).join("\n")).toMatch(
      /creationPolicy.*must be one of 'Owner'/,
    );
    const account = manifests.find((m) => m.kind === "ServiceAccount")!;
    expect(
      coreKindDiagnostics([
        { ...account, metadata: { ...account.metadata, annotation: {} } } as Manifest,
      ]),
    ).toEqual([expect.stringContaining(`'"annotation"' does not exist in type 'V1ObjectMeta'`)]);
  });
});
