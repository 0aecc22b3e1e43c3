import { describe, expect, it } from "vitest";
import { entryPoint, tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

// acme.yaml: the tenant takes lines 1-9, entryPoints starts on 10; waf on 14, allow 15, ipv4 16.
const allowing = (ipv4: string, ipv6 = "[2001:db8::/32]") =>
  tenantWith(entryPoint({ waf: `allow:\n  ipv4: ${ipv4}\n  ipv6: ${ipv6}` }));

describe("rule waf-allow-all", () => {
  it("reports 0.0.0.0/0 in an allow list at its value", () => {
    const [found, ...rest] = reported(allowing("[203.0.113.0/24, 0.0.0.0/0]"), "waf-allow-all");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:16:34",
      severity: "error",
      message:
        '"0.0.0.0/0" allows every IPv4 address, so every request would skip entry point "public-api"\'s web ACL: list only the addresses you trust, or remove it',
    });
    expectHelpfulMessage(found!.message, "0.0.0.0/0");
  });

  it.each(["::/0", "0:0::/0", "0:0:0:0:0:0:0:0/0", "::0/0"])(
    "reports %s, every IPv6 address however written",
    (all) => {
      const found = reported(allowing("[203.0.113.0/24]", `["${all}"]`), "waf-allow-all");
      expect(found.map((f) => f.where)).toEqual(["acme.yaml:17:18"]);
      expect(found[0]!.message).toContain("every IPv6 address");
    },
  );

  it("reports an IPv4 catch-all written with another zero address too", () => {
    expect(reported(allowing("[10.0.0.0/0]"), "waf-allow-all")).toHaveLength(1);
  });

  it("accepts narrower blocks, /1 included, and leaves malformed ones to waf-cidr", () => {
    expect(reported(allowing("[0.0.0.0/1, 203.0.113.7/32]", '["::/1"]'), "waf-allow-all")).toEqual(
      [],
    );
    expect(reported(allowing("[0.0.0.0]"), "waf-allow-all")).toEqual([]);
  });
});
