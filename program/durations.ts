/** Days in a rotation interval such as "30d"; undefined when it is not one. */
export function parseDays(text: string): number | undefined {
  const match = /^(\d+)d$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Hours in a window duration such as "3h"; undefined when it is not one. */
export function parseHours(text: string): number | undefined {
  const match = /^(\d+)h$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Minutes after midnight of a time of day such as "01:30"; undefined when it is not one. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export const MIN_ROTATION_DAYS = 1;
export const MAX_ROTATION_DAYS = 365;
export const MIN_WINDOW_HOURS = 1;
/** Secrets Manager accepts rotation windows of 1 to 24 hours. */
export const MAX_WINDOW_HOURS = 24;
