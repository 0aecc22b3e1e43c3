import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";

describe("the Pulumi entry (program/pulumi/index.ts)", () => {
  it("reads the stack config, creates the selected tenants' resources and exports their keys", async () => {
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(`${args.type}::${args.name}`);
          return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:mock:${args.name}` } };
        },
        call: () => ({}),
      },
      "vaultpilot",
      "dev",
      false,
    );
    pulumi.runtime.setAllConfig({
      "vaultpilot:policyDir": "policies",
      "vaultpilot:tenants": JSON.stringify(["initech"]),
      "vaultpilot:keyDeletionWindowDays": "7",
    });
    // Imported only now: the module creates resources when it loads.
    const entry = (await import("../../program/pulumi/index.js")) as {
      tenantKeys: Record<string, pulumi.Output<string>>;
    };
    const keyArn = await new Promise<string>((resolve) => entry.tenantKeys.initech!.apply(resolve));
    await pulumi.runtime.disconnect();
    expect(Object.keys(entry.tenantKeys)).toEqual(["initech"]);
    expect(keyArn).toBe("arn:mock:initech-key");
    expect(created).toContain("aws:secretsmanager/secret:Secret::initech/tps-db-secret");
    expect(created.some((c) => c.includes("acme"))).toBe(false);
  });
});

describe("the Pulumi entry's stack settings", () => {
  it("refuses an unknown vaultpilot: setting, naming the one meant, before creating anything", async () => {
    vi.resetModules();
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(`${args.type}::${args.name}`);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "vaultpilot",
      "dev",
      false,
    );
    // `tenant` for `tenants`: read silently, it would have deployed every tenant.
    pulumi.runtime.setAllConfig({
      "vaultpilot:policyDir": "policies",
      "vaultpilot:tenant": JSON.stringify(["initech"]),
    });

    await expect(import("../../program/pulumi/index.js")).rejects.toThrow(
      'stack "dev": unknown setting vaultpilot:tenant; did you mean vaultpilot:tenants?',
    );
    await pulumi.runtime.disconnect();
    expect(created).toEqual([]);
  });
});

describe("the Pulumi entry's policy directory", () => {
  it("refuses a policy directory with no policy files, so a wrong path never deploys nothing", async () => {
    vi.resetModules();
    const empty = mkdtempSync(join(tmpdir(), "vaultpilot-empty-"));
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(`${args.type}::${args.name}`);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "vaultpilot",
      "dev",
      false,
    );
    pulumi.runtime.setAllConfig({ "vaultpilot:policyDir": empty });
    try {
      await expect(import("../../program/pulumi/index.js")).rejects.toThrow(
        `the policy directory ${empty} holds no policy files (*.yaml or *.yml); check vaultpilot:policyDir`,
      );
      expect(created).toEqual([]);
    } finally {
      await pulumi.runtime.disconnect();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
