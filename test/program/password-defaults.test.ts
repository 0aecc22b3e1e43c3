import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PASSWORD_DEFAULTS,
  passwordPolicyFor,
  type DrawnSecretType,
} from "../../program/password-defaults.js";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import { secretsManagerStore } from "../../components/rotation/aws/secrets-store.js";
import { validatePolicies } from "../../program/validate.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";

/** The README's "Password defaults" table: type → [length, excluded characters]. */
function readmeTable(): Record<string, [number, string]> {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("#### Password defaults"));
  const rows: Record<string, [number, string]> = {};
  for (const match of section.matchAll(/^\| `([a-z-]+)` +\| (\d+) +\| (.+?) +\|$/gm)) {
    const cell = match[3]!;
    rows[match[1]!] = [Number(match[2]), cell === "none" ? "" : cell.replace(/^`+|`+$/g, "")];
  }
  return rows;
}

describe("password defaults", () => {
  it("are what the README's table says, for every drawn type", () => {
    expect(readmeTable()).toEqual(
      Object.fromEntries(
        Object.entries(PASSWORD_DEFAULTS).map(([type, p]) => [type, [p.length, p.exclude]]),
      ),
    );
  });

  it("leave out of database values what breaks a URL or a config file, and nothing of generic ones", () => {
    for (const type of ["postgres", "mysql"] as const)
      for (const ch of `:/@'"\\`) expect(PASSWORD_DEFAULTS[type].exclude).toContain(ch);
    expect(PASSWORD_DEFAULTS.generic.exclude).toBe("");
  });

  it("take each field the policy gives, an empty exclude too, and the type's default for the rest", () => {
    expect(passwordPolicyFor("postgres", { length: 48 })).toEqual({
      length: 48,
      exclude: PASSWORD_DEFAULTS.postgres.exclude,
    });
    expect(passwordPolicyFor("mysql", { exclude: "" })).toEqual({ length: 32, exclude: "" });
    expect(passwordPolicyFor("aws-iam-key")).toBeUndefined();
  });

  it("are what the model gives a secret whose policy has no spec.password", () => {
    const tree = policyTree(VALID_POLICIES);
    try {
      const model = validatePolicies(tree.dir).model!;
      const secret = model.tenants[0]!.secrets.find((s) => s.name === "orders-db")!;
      expect(secret.password).toEqual(PASSWORD_DEFAULTS.postgres);
    } finally {
      tree.remove();
    }
  });
});

describe("drawing under the database default on Secrets Manager (moto)", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it.each(["postgres", "api-key"] as DrawnSecretType[])(
    "never draws an excluded character or a space for %s",
    async (type) => {
      const clients = new AwsClients({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint });
      const store = secretsManagerStore(clients);
      const policy = PASSWORD_DEFAULTS[type];
      try {
        const drawn = await Promise.all(
          Array.from({ length: 40 }, () => store.randomPassword(policy)),
        );
        for (const password of drawn) {
          expect(password).toHaveLength(policy.length);
          for (const ch of policy.exclude + " ") expect(password).not.toContain(ch);
        }
      } finally {
        clients.destroy();
      }
    },
  );
});
