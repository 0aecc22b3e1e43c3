// Pure, without @pulumi imports: drift reads the same rules without loading the Pulumi SDK.

/** A rotation schedule as the policies give it. */
export interface RotationScheduleInput {
  readonly everyDays: number;
  /** UTC start "HH:MM" and length in hours of the window rotation must start in. */
  readonly window?: { readonly start: string; readonly durationHours: number };
}

export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

/**
 * Secrets Manager's rotation rules for a schedule. Without a window: every N days. With one, a
 * `cron()` that starts at the window (a `rate()` cannot set a start time): daily, weekly, every N
 * days of the month (restarting on the 1st, so never longer apart than N) or every whole number
 * of months for N >= 28 (again never longer apart than asked).
 */
export function rotationRules(schedule: RotationScheduleInput): RotationRules {
  const { everyDays, window } = schedule;
  if (!window) return { automaticallyAfterDays: everyDays };
  const [hours, minutes] = window.start.split(":").map(Number);
  const at = `${minutes} ${hours}`;
  let cron: string;
  if (everyDays === 1) cron = `${at} * * ? *`;
  else if (everyDays === 7) cron = `${at} ? * SUN *`;
  else if (everyDays < 28) cron = `${at} 1/${everyDays} * ? *`;
  else {
    const months = Math.floor(everyDays / 30) || 1;
    cron = months >= 12 ? `${at} 1 1 ? *` : `${at} 1 ${months === 1 ? "*" : `1/${months}`} ? *`;
  }
  return { scheduleExpression: `cron(${cron})`, duration: `${window.durationHours}h` };
}
