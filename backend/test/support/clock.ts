import type { Clock } from '../../src/clock.js';

/**
 * The system's time plus however far a test has moved it forward: work retried "in a minute" is due as soon as the
 * test says a minute passed, and nothing the app stamps with the real time is ever in this clock's future.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
