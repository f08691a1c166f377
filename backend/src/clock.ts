/** Where the workers read the time: the system's in production, one a test moves forward instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
