import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
} from "node:crypto";
import {
  ed25519PublicKeyFromHash,
  ed25519SignWithHash,
} from "../../components/rotation/strategies/mariadb-ed25519.js";
import { describe, expect, it } from "vitest";
import { nativePasswordHash, pluginOf } from "../../components/rotation/strategies/mysql-auth.js";
import {
  equalise,
  parseGrants,
  quotedAccount,
} from "../../components/rotation/strategies/mysql-grants.js";
import {
  saslPrep,
  scramSha256Verifier,
} from "../../components/rotation/strategies/postgres-scram.js";

describe("scramSha256Verifier", () => {
  it("has PostgreSQL's shape, 4096 iterations and a fresh 16-byte salt each time", () => {
    const a = scramSha256Verifier("pencil");
    const b = scramSha256Verifier("pencil");
    expect(a).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(a).not.toBe(b);
    expect(a).not.toContain("pencil");
  });

  it("yields the ServerSignature of RFC 7677's SCRAM-SHA-256 example exchange", () => {
    // RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    const verifier = scramSha256Verifier("pencil", {
      salt: Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
    });
    const serverKey = Buffer.from(verifier.split(":").at(-1)!, "base64");
    const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe(
      "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    );
    expect(verifier).toBe(
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
    );
  });
});

describe("saslPrep", () => {
  it("leaves printable ASCII as it is and normalises the rest as PostgreSQL does", () => {
    expect(saslPrep(`it's "q" \\ %`)).toBe(`it's "q" \\ %`);
    expect(saslPrep("a\u00A0b")).toBe("a b");
    expect(saslPrep("e\u0301")).toBe("\u00E9");
    expect(saslPrep("x\u00ADy")).toBe("xy");
  });

  it("uses a password with a prohibited character unchanged", () => {
    expect(saslPrep("a\u0007\u00A0b")).toBe("a\u0007\u00A0b");
  });
});

describe("nativePasswordHash", () => {
  it("equals MariaDB's PASSWORD() for the same text", () => {
    // SELECT PASSWORD('password') on MariaDB 10.11.
    expect(nativePasswordHash("password")).toBe("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
  });
});

describe("pluginOf", () => {
  it("reads the plugin from MariaDB's and MySQL's SHOW CREATE USER", () => {
    expect(
      pluginOf(
        "CREATE USER `a`@`%` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
      ),
    ).toBe("mysql_native_password");
    expect(pluginOf("CREATE USER `a`@`%` IDENTIFIED VIA ed25519 USING 'x'")).toBe("ed25519");
    expect(
      pluginOf("CREATE USER `a`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$x'"),
    ).toBe("caching_sha2_password");
    expect(pluginOf("CREATE USER `a`@`%`")).toBeUndefined();
  });
});

describe("equalise", () => {
  const base = quotedAccount("app", "%");
  const clone = quotedAccount("app_clone", "%");

  it("revokes what the reference lacks and grants what the target lacks, per object", () => {
    const reference = parseGrants(
      [
        "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*ABC'",
        "GRANT SELECT, UPDATE ON `app`.* TO `app`@`%`",
        "GRANT SELECT (`a`, `b`) ON `app`.`t` TO `app`@`%` WITH GRANT OPTION",
        "GRANT `reporting` TO `app`@`%`",
      ],
      base,
    );
    const target = parseGrants(
      [
        "GRANT USAGE ON *.* TO `app_clone`@`%`",
        "GRANT SELECT, INSERT ON `app`.* TO `app_clone`@`%`",
        "GRANT DELETE ON `other`.* TO `app_clone`@`%`",
        "GRANT `admin` TO `app_clone`@`%`",
      ],
      clone,
    );

    expect(equalise(reference, target, clone)).toEqual([
      "REVOKE INSERT ON `app`.* FROM `app_clone`@`%`",
      "REVOKE DELETE ON `other`.* FROM `app_clone`@`%`",
      "REVOKE `admin` FROM `app_clone`@`%`",
      "GRANT UPDATE ON `app`.* TO `app_clone`@`%`",
      "GRANT SELECT (`a`, `b`) ON `app`.`t` TO `app_clone`@`%` WITH GRANT OPTION",
      "GRANT `reporting` TO `app_clone`@`%`",
    ]);
  });

  it("does nothing when the grants are already equal", () => {
    const lines = (user: string) => [`GRANT SELECT, INSERT ON \`app\`.* TO \`${user}\`@\`%\``];
    expect(
      equalise(parseGrants(lines("app"), base), parseGrants(lines("app_clone"), clone), clone),
    ).toEqual([]);
  });
});

describe("ed25519PublicKeyFromHash", () => {
  it("derives the public key Node's own Ed25519 derives from a seed (RFC 8032 §5.1.5)", () => {
    // PKCS#8 prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows it.
    const pkcs8 = Buffer.from("302e020100300506032b657004220420", "hex");
    for (let i = 0; i < 8; i++) {
      const seed = randomBytes(32);
      const key = createPrivateKey({
        key: Buffer.concat([pkcs8, seed]),
        format: "der",
        type: "pkcs8",
      });
      const expected = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32);

      expect(ed25519PublicKeyFromHash(createHash("sha512").update(seed).digest())).toEqual(
        expected,
      );
    }
  });

  it("signs as Node's own Ed25519 does (RFC 8032 signatures are deterministic)", () => {
    const pkcs8 = Buffer.from("302e020100300506032b657004220420", "hex");
    for (let i = 0; i < 8; i++) {
      const seed = randomBytes(32);
      const message = randomBytes(32);
      const key = createPrivateKey({
        key: Buffer.concat([pkcs8, seed]),
        format: "der",
        type: "pkcs8",
      });

      expect(ed25519SignWithHash(createHash("sha512").update(seed).digest(), message)).toEqual(
        sign(null, message, key),
      );
    }
  });
});
