/** Where the workers read the time: the system's in production, one a test moves forward instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * `ms` from now on `clock`, at least 1 ms: work set due at the very instant a drain began would be due again within
 * that drain, which handles only what was due when it began.
 */
export function later(clock: Clock, ms: number): Date {
  return new Date(clock.now().getTime() + Math.max(ms, 1));
}
