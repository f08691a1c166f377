import type { Clock } from '../clock.js';
import type { RequestBudgets } from './requestBudget.js';

/** While fewer than this share of the hour's requests are left, no running log is refreshed: stages need them. */
export const RATE_LIMIT_RESERVE = 0.1;

/** The refreshes an installation may make at once, as a share of those of an hour. */
const BURST_SHARE = 1 / 12;

const HOUR_MS = 3_600_000;

export interface LogRefreshAllowanceOptions {
  /** LOG_REFRESH_RATE_LIMIT_PERCENT / 100: the most of an installation's primary rate limit refreshes may use. */
  share: number;
  /** GITHUB_BUDGET_REPLICAS: replicas that each keep their own allowance, together within `share`. */
  replicas: number;
  clock: Clock;
}

/**
 * How often running jobs' logs may be downloaded again, per installation. Each refresh asks GitHub where the log is
 * (one request against the installation's primary rate limit, 5,000 an hour at least): watched at `LOG_REFRESH_MS`
 * of 2 s, one running job would use 1,800 an hour, and three watched at once would leave the stages' dispatches and
 * reads without any. So refreshes get at most `share` of the limit GitHub reports (`x-ratelimit-limit`), with a burst
 * of five minutes' worth, and none while less than `RATE_LIMIT_RESERVE` of the hour's requests is left. Whether the
 * job has completed, which a refresh also needs, costs no such request: it comes from the run state GitHub's events
 * keep, or from the job read with its ETag, which GitHub answers with a free 304 while the job is unchanged. With no
 * rate limit reported (GitHub Enterprise Server with rate limits off), refreshes are not limited.
 *
 * A token bucket written here rather than Bottleneck (the request budget's): a refresh that may not go now is not
 * queued, the copy on disk is served instead, and the time is the injected clock's.
 */
export class LogRefreshAllowance {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly budgets: RequestBudgets,
    private readonly options: LogRefreshAllowanceOptions,
  ) {}

  /** Whether a running log of the installation may be downloaded again now; takes the refresh from the allowance. */
  take(installation: string): boolean {
    const rateLimit = this.budgets.primaryRateLimit(installation);
    if (!rateLimit) return true;
    const now = this.options.clock.now().getTime();
    if (now < rateLimit.resetAt && rateLimit.remaining < rateLimit.limit * RATE_LIMIT_RESERVE) return false;
    const perHour = (rateLimit.limit * this.options.share) / this.options.replicas;
    const burst = Math.max(1, perHour * BURST_SHARE);
    const bucket = this.buckets.get(installation) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perHour) / HOUR_MS);
    bucket.at = now;
    this.buckets.set(installation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
