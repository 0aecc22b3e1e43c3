/** A failure to check: one line on stderr, exit 2, never reported as "no drift". */
export class DriftFailure extends Error {}
