import { describe, expect, it } from "vitest";
import { entryPoint, tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

// acme.yaml: entryPoints on line 10, waf 14, allow 15, ipv4 16, ipv6 17.
const allowing = (ipv4: string, ipv6 = "[]") =>
  tenantWith(entryPoint({ waf: `allow:\n  ipv4: ${ipv4}\n  ipv6: ${ipv6}` }));

describe("rule waf-cidr", () => {
  it("reports an address without a prefix at its value", () => {
    const [found, ...rest] = reported(allowing("[203.0.113.0/24, 198.51.100.7]"), "waf-cidr");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "acme.yaml:16:34", severity: "error" });
    expect(found!.message).toBe(
      '"198.51.100.7" has no prefix length (add /32 for one IPv4 address, /128 for IPv6): write an IPv4 CIDR such as 203.0.113.0/24',
    );
    expectHelpfulMessage(found!.message, "198.51.100.7");
  });

  it("reports host bits with the network it probably meant", () => {
    const [found] = reported(allowing("[10.1.2.3/8]", '["2001:db8::1/32"]'), "waf-cidr");
    expect(found!.message).toContain('did you mean "10.0.0.0/8"?');
    expect(reported(allowing("[]", '["2001:db8::1/32"]'), "waf-cidr")[0]!.message).toContain(
      'did you mean "2001:db8::/32"?',
    );
  });

  it.each([
    ["[256.0.0.0/8]", "is not an IPv4 address"],
    ["[10.0.0.0/33]", 'has prefix length "33"; IPv4 takes 0 to 32'],
    ["[01.2.3.4/32]", "is not an IPv4 address"],
    ['["2001:db8::/32"]', "is an IPv6 address: move it to ipv6"],
  ])("reports %s in ipv4: %s", (list, text) => {
    const found = reported(allowing(list), "waf-cidr");
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(text);
  });

  it.each([
    ['["2001:db8::/129"]', 'has prefix length "129"; IPv6 takes 0 to 128'],
    ['["2001:db8:::/48"]', "is not an IPv6 address"],
    ['["1:2:3:4:5:6:7:8:9/128"]', "is not an IPv6 address"],
    ["[192.0.2.0/24]", "is an IPv4 address: move it to ipv4"],
  ])("reports %s in ipv6: %s", (list, text) => {
    const found = reported(allowing("[]", list), "waf-cidr");
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(text);
  });

  it("accepts well-formed blocks of both families, embedded IPv4 included", () => {
    expect(
      reported(
        allowing(
          "[203.0.113.0/24, 198.51.100.7/32, 0.0.0.0/0]",
          '["2001:db8::/32", "::ffff:192.0.2.0/120", "fe80::1/128", "::/0"]',
        ),
        "waf-cidr",
      ),
    ).toEqual([]);
  });
});
