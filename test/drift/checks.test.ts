import { describe, expect, test } from "vitest";
import type { SecretListEntry } from "@aws-sdk/client-secrets-manager";
import { checkDrift, scheduleDifference, type CheckOptions } from "../../actions/drift/checks.js";
import { toLiveSecret } from "../../cloud/aws/live/read-account.js";
import { type ExpectedTenant } from "../../cloud/aws/expected.js";
import { awsReason } from "../../cloud/aws/aws-reason.js";
import type { LiveAccount, LiveSecret } from "../../cloud/aws/live/state.js";
import { rotationRules } from "../../cloud/aws/rotation-rules.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const FN = "arn:aws:lambda:us-east-1:111111111111:function:vaultpilot_acme_postgres_rotation";

function tenant(window?: { start: string; durationHours: number }): ExpectedTenant {
  const rotation = { everyDays: 30, ...(window && { window }) };
  return {
    name: "acme",
    account: "111111111111",
    region: "us-east-1",
    keyAlias: "alias/vaultpilot/acme",
    secrets: [
      {
        tenant: "acme",
        policyName: "orders-db",
        name: "vaultpilot/acme/orders-db",
        type: "postgres",
        tags: {
          "vaultpilot:tenant": "acme",
          "vaultpilot:type": "postgres",
          "vaultpilot:schedule": "monthly",
        },
        rotation: { ...rotation, rules: rotationRules(rotation) },
        functionName: "vaultpilot_acme_postgres_rotation",
      },
    ],
  };
}

function liveSecret(overrides: Partial<LiveSecret> = {}): LiveSecret {
  return {
    arn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-AbCdEf",
    name: "vaultpilot/acme/orders-db",
    kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/k1",
    tags: {
      "vaultpilot:tenant": "acme",
      "vaultpilot:type": "postgres",
      "vaultpilot:schedule": "monthly",
    },
    rotationEnabled: true,
    rotationLambdaArn: FN,
    rotationRules: { automaticallyAfterDays: 30 },
    lastRotatedDate: new Date(T0),
    createdDate: new Date(T0 - DAY),
    versionStages: { v1: ["AWSCURRENT"] },
    ...overrides,
  };
}

function live(
  secrets: LiveSecret[],
  key: Partial<{ enabled: boolean; rotationEnabled: boolean; alias: boolean }> = {},
): LiveAccount {
  return {
    account: "111111111111",
    region: "us-east-1",
    secrets,
    aliases: new Map(key.alias === false ? [] : [["alias/vaultpilot/acme", "k1"]]),
    keys: new Map([
      [
        "k1",
        {
          keyId: "k1",
          arn: "arn:aws:kms:us-east-1:111111111111:key/k1",
          enabled: key.enabled ?? true,
          keyState: key.enabled === false ? "Disabled" : "Enabled",
          rotationEnabled: key.rotationEnabled ?? true,
        },
      ],
    ]),
  };
}

const options = (at: number, graceHours = 24): CheckOptions => ({
  at: new Date(at),
  graceHours,
  stuckHours: 24,
  deep: false,
});

function checks(secret: LiveSecret[], at: number, t = tenant(), key = {}, graceHours = 24) {
  return checkDrift(
    {
      tenants: [t],
      knownTenants: new Set(["acme", "globex"]),
      declared: new Set(["111111111111/us-east-1/vaultpilot/acme/orders-db"]),
      live: [live(secret, key)],
    },
    options(at, graceHours),
  ).map((f) => f.check);
}

describe("checkDrift", () => {
  test("counts a rotation overdue only after schedule + grace has passed", () => {
    const deadline = T0 + 30 * DAY + 24 * 3_600_000;
    expect(checks([liveSecret()], deadline)).toEqual([]);
    expect(checks([liveSecret()], deadline + 1)).toEqual(["rotation-overdue"]);
  });

  test("adds the window's hours to the deadline, and uses the creation date of a secret never rotated", () => {
    const windowed = tenant({ start: "01:00", durationHours: 3 });
    const deadline = T0 + 30 * DAY + 27 * 3_600_000;
    expect(checks([liveSecret()], deadline, windowed)).toEqual([]);
    expect(checks([liveSecret()], deadline + 1, windowed)).toEqual(["rotation-overdue"]);
    expect(
      checks([liveSecret({ lastRotatedDate: undefined })], deadline - DAY + 1, windowed),
    ).toEqual(["rotation-overdue"]);
  });

  test("accepts the program's rules for a windowed schedule, or the same days alone (what moto keeps), and nothing else", () => {
    const windowed = tenant({ start: "01:00", durationHours: 3 });
    const ours = rotationRules({ everyDays: 30, window: { start: "01:00", durationHours: 3 } });
    expect(checks([liveSecret({ rotationRules: ours })], T0, windowed)).toEqual([]);
    expect(
      checks([liveSecret({ rotationRules: { automaticallyAfterDays: 30 } })], T0, windowed),
    ).toEqual([]);
    expect(
      checks([liveSecret({ rotationRules: { ...ours, duration: "2h" } })], T0, windowed),
    ).toEqual(["rotation-schedule"]);
    expect(
      checks(
        [liveSecret({ rotationRules: { ...ours, scheduleExpression: "cron(0 4 1/30 * ? *)" } })],
        T0,
        windowed,
      ),
    ).toEqual(["rotation-schedule"]);
    expect(checks([liveSecret({ rotationRules: { automaticallyAfterDays: 7 } })], T0)).toEqual([
      "rotation-schedule",
    ]);
  });

  test("reports a rotation function of another name or account", () => {
    expect(
      checks([liveSecret({ rotationLambdaArn: FN.replace("postgres", "mysql") })], T0),
    ).toEqual(["rotation-function"]);
    expect(
      checks([liveSecret({ rotationLambdaArn: FN.replace("111111111111", "222222222222") })], T0),
    ).toEqual(["rotation-function"]);
  });

  test("reports a disabled key and a key without rotation, and only the alias when it is gone", () => {
    expect(checks([liveSecret()], T0, tenant(), { enabled: false })).toEqual(["key-enabled"]);
    expect(checks([liveSecret()], T0, tenant(), { rotationEnabled: false })).toEqual([
      "key-rotation",
    ]);
    expect(checks([liveSecret()], T0, tenant(), { alias: false })).toEqual(["key-alias"]);
  });

  test("reports a secret on the account's default key", () => {
    expect(checks([liveSecret({ kmsKeyId: undefined })], T0)).toEqual(["secret-key"]);
  });

  test("reports an unmanaged secret of an unknown tenant or of this stack, not of another stack's tenant", () => {
    const extra = (name: string, tags: Record<string, string> = {}) =>
      liveSecret({ name, tags, rotationEnabled: false });
    expect(checks([liveSecret(), extra("vaultpilot/acme/old")], T0)).toEqual(["unmanaged-secret"]);
    expect(
      checks([liveSecret(), extra("whatever", { "vaultpilot:tenant": "nobody" })], T0),
    ).toEqual(["unmanaged-secret"]);
    expect(checks([liveSecret(), extra("vaultpilot/globex/old")], T0)).toEqual([]);
    expect(checks([liveSecret(), extra("someone/else")], T0)).toEqual([]);
  });
});

describe("awsReason", () => {
  test("names throttling past retries, refused credentials and an unreachable endpoint in one line", () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(awsReason(named("ThrottlingException", "Rate exceeded"))).toBe(
      "throttled past retries (ThrottlingException: Rate exceeded)",
    );
    expect(
      awsReason(
        named(
          "UnrecognizedClientException",
          "The security token included in the request is invalid.\nmore",
        ),
      ),
    ).toBe(
      "credentials refused (UnrecognizedClientException: The security token included in the request is invalid.)",
    );
    const refused = Object.assign(
      new AggregateError([
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      ]),
      { code: "ECONNREFUSED" },
    );
    expect(awsReason(refused)).toBe("endpoint unreachable (connect ECONNREFUSED 127.0.0.1:9)");
  });
});

describe("scheduleDifference on the rotation rules Secrets Manager reports", () => {
  // A ListSecrets entry as the API reference documents SecretListEntry and RotationRulesType:
  // real AWS reports the ScheduleExpression and Duration it was given, and AutomaticallyAfterDays
  // computed from them.
  const entry = (RotationRules: SecretListEntry["RotationRules"]): SecretListEntry => ({
    ARN: "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-AbCdEf",
    Name: "vaultpilot/acme/orders-db",
    RotationEnabled: true,
    RotationLambdaARN: FN,
    RotationRules,
    LastRotatedDate: new Date(T0),
    Tags: [{ Key: "vaultpilot:tenant", Value: "acme" }],
    SecretVersionsToStages: { v1: ["AWSCURRENT"] },
  });
  const expected = (everyDays: number, window?: { start: string; durationHours: number }) => {
    const rotation = { everyDays, ...(window && { window }) };
    return { rotation: { ...rotation, rules: rotationRules(rotation) } };
  };
  const difference = (
    policy: ReturnType<typeof expected>,
    rules: SecretListEntry["RotationRules"],
  ) => scheduleDifference(policy, toLiveSecret(entry(rules)).rotationRules);
  const nightly90 = expected(90, { start: "01:00", durationHours: 3 });

  test("accepts the program's windowed rule exactly as AWS reports it", () => {
    const { scheduleExpression, duration } = nightly90.rotation.rules;
    expect(
      difference(nightly90, {
        AutomaticallyAfterDays: 62,
        ScheduleExpression: scheduleExpression,
        Duration: duration,
      }),
    ).toBeUndefined();
  });

  test("reports a windowed schedule replaced by a plain every-N-days rule", () => {
    const found = difference(nightly90, {
      AutomaticallyAfterDays: 90,
      ScheduleExpression: "rate(90 days)",
    });
    expect(found).toEqual({
      expected: `${nightly90.rotation.rules.scheduleExpression} for 3h`,
      actual: "rate(90 days) every 90d",
    });
  });

  test("reports the documented example rule (twice a month at 16:00 for 2h) against a nightly 90-day policy", () => {
    expect(
      difference(nightly90, {
        AutomaticallyAfterDays: 14,
        Duration: "2h",
        ScheduleExpression: "cron(0 16 1,15 * ? *)",
      }),
    ).toBeDefined();
  });

  test("reports the old quarterly cron, which left 92 days between runs", () => {
    expect(
      difference(nightly90, { ScheduleExpression: "cron(0 1 1 1/3 ? *)", Duration: "3h" }),
    ).toBeDefined();
  });

  test("accepts rate(N days) or AutomaticallyAfterDays N for a schedule without a window, and no other interval", () => {
    const plain = expected(30);
    expect(
      difference(plain, { AutomaticallyAfterDays: 30, ScheduleExpression: "rate(30 days)" }),
    ).toBeUndefined();
    expect(difference(plain, { AutomaticallyAfterDays: 30 })).toBeUndefined();
    expect(difference(expected(1), { ScheduleExpression: "rate(1 day)" })).toBeUndefined();
    expect(difference(plain, { ScheduleExpression: "rate(31 days)" })).toBeDefined();
    expect(
      difference(plain, { ScheduleExpression: "cron(0 1 1/30 * ? *)", Duration: "3h" }),
    ).toBeDefined();
  });

  test("compares only AutomaticallyAfterDays where no expression is reported (moto), so a window cannot be checked there", () => {
    expect(difference(nightly90, { AutomaticallyAfterDays: 90 })).toBeUndefined();
    expect(difference(nightly90, { AutomaticallyAfterDays: 91 })).toBeDefined();
  });
});
