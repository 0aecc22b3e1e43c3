import type { Check } from "./check.js";
import { databaseTls } from "./database-tls.js";
import { iamLeastPrivilege } from "./iam-least-privilege.js";
import { keyNotPendingDeletion } from "./key-not-pending-deletion.js";
import { keyRotationEnabled } from "./key-rotation-enabled.js";
import { logRetention } from "./log-retention.js";
import { passwordLength } from "./password-length.js";
import { rotationEnabled } from "./rotation-enabled.js";
import { rotationFailures } from "./rotation-failures.js";
import { rotationInterval } from "./rotation-interval.js";
import { rotationSuccessRate } from "./rotation-success-rate.js";
import { secretEncryptedWithTenantKey } from "./secret-encrypted-with-tenant-key.js";
import { secretRotatedWithin } from "./secret-rotated-within.js";
import { secretRotationEnabled } from "./secret-rotation-enabled.js";
import { secretUnused } from "./secret-unused.js";
import { tenantKeyDeletionWindow } from "./tenant-key-deletion-window.js";
import { tenantKeyRotation } from "./tenant-key-rotation.js";

/** Every compliance check, by id (its file's name). Catalogs name checks from this list only. */
export const CHECKS: ReadonlyMap<string, Check> = new Map(
  [
    rotationEnabled,
    rotationInterval,
    secretEncryptedWithTenantKey,
    tenantKeyRotation,
    tenantKeyDeletionWindow,
    iamLeastPrivilege,
    databaseTls,
    passwordLength,
    logRetention,
    secretRotationEnabled,
    secretRotatedWithin,
    secretUnused,
    keyRotationEnabled,
    keyNotPendingDeletion,
    rotationFailures,
    rotationSuccessRate,
  ].map((check) => [check.id, check]),
);

export type { Check, CheckContext, CheckKind, Observation } from "./check.js";
