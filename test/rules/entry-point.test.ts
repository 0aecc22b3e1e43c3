import { describe, expect, it } from "vitest";
import { entryPoint, tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

// acme.yaml: entryPoints on line 10, name 11, kind 12, arn 13 (value at column 12).
const ALB =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/0123456789abcdef";

describe("rule entry-point", () => {
  it("reports an ARN of the wrong shape for its kind at the ARN", () => {
    const [found, ...rest] = reported(tenantWith(entryPoint({ kind: "alb" })), "entry-point");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:13:12",
      severity: "error",
      message:
        '"arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod" is not the ARN of a alb: use arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID',
    });
    expectHelpfulMessage(
      found!.message,
      "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod",
    );
  });

  it("reports an entry point in another region, and a load balancer of another account", () => {
    const region = reported(
      tenantWith(
        entryPoint({ arn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod" }),
      ),
      "entry-point",
    );
    expect(region[0]!.message).toContain(
      'is in region "eu-west-1" but tenant "acme" is in "us-east-1"',
    );
    const account = reported(
      tenantWith(entryPoint({ kind: "alb", arn: ALB.replace("123456789012", "999999999999") })),
      "entry-point",
    );
    expect(account[0]!.message).toContain('is in account "999999999999"');
  });

  it("reports throttling on a load balancer at its key, and a route throttled twice", () => {
    const alb = reported(
      tenantWith(entryPoint({ kind: "alb", arn: ALB, throttling: "rate: 10\nburst: 20" })),
      "entry-point",
    );
    expect(alb).toEqual([
      expect.objectContaining({
        where: "acme.yaml:14:7",
        message: expect.stringContaining("has no throttling: remove throttling"),
      }),
    ]);
    const twice = reported(
      tenantWith(
        entryPoint({
          throttling:
            'rate: 10\nburst: 20\nroutes:\n  - { route: "GET /a", rate: 1, burst: 1 }\n  - { route: "GET /a", rate: 2, burst: 2 }',
        }),
      ),
      "entry-point",
    );
    expect(twice.map((d) => d.message)).toEqual([
      'route "GET /a" is throttled twice in entry point "public-api": remove one',
    ]);
  });

  it("reports an entry point name used twice in a tenant", () => {
    const text = entryPoint({}) + entryPoint({}).split("\n").slice(1).join("\n");
    const found = reported(tenantWith(text), "entry-point");
    expect(found.map((d) => d.where)).toEqual(["acme.yaml:14:13"]);
  });

  it("accepts a REST API stage and a load balancer of the tenant's account and region", () => {
    expect(
      reported(tenantWith(entryPoint({ throttling: "rate: 10\nburst: 20" })), "entry-point"),
    ).toEqual([]);
    expect(reported(tenantWith(entryPoint({ kind: "alb", arn: ALB })), "entry-point")).toEqual([]);
  });
});
