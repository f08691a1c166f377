export interface PollOptions {
  /** How often the job list is read while a job runs. */
  jobsMs?: number;
  /** A live log is read again after `logMinMs`, doubling up to `logMaxMs` while it does not grow. */
  logMinMs?: number;
  logMaxMs?: number;
}

export const DEFAULT_POLL: Required<PollOptions> = { jobsMs: 5_000, logMinMs: 2_000, logMaxMs: 30_000 };

interface FetchState {
  /** The log's size in bytes as last read. */
  data?: { size: number };
  dataUpdatedAt: number;
  errorUpdatedAt: number;
}

/**
 * The wait before the next poll of a live log: the minimum after a poll that brought new text, doubled (up to the
 * maximum) after one that did not or failed. Asking again about the same poll gives the same answer.
 */
export class LogBackoff {
  private delay: number;
  private seen = '0/0';
  private length = 0;

  constructor(private readonly poll: Required<PollOptions>) {
    this.delay = poll.logMinMs;
  }

  /** Back to the minimum: something outside the log says new text is coming (the job has just ended). */
  reset(): void {
    this.delay = this.poll.logMinMs;
  }

  next(state: FetchState): number {
    const key = `${state.dataUpdatedAt}/${state.errorUpdatedAt}`;
    if (key === this.seen) return this.delay;
    this.seen = key;
    const length = state.data?.size ?? 0;
    const grew = state.dataUpdatedAt >= state.errorUpdatedAt && length > this.length;
    this.length = Math.max(this.length, length);
    this.delay = grew ? this.poll.logMinMs : Math.min(this.poll.logMaxMs, this.delay * 2);
    return this.delay;
  }
}
