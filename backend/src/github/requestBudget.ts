import Bottleneck from 'bottleneck';
import type { Octokit } from '@octokit/core';
import { Gauge, type Registry } from 'prom-client';

/**
 * How much of GitHub's secondary rate limits one installation may use
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
 * 900 points a minute (a GET costs 1, any other method 5), 100 concurrent requests, 80 content-creating requests a
 * minute and 500 an hour.
 */
export interface BudgetLimits {
  pointsPerMinute: number;
  concurrent: number;
  contentPerMinute: number;
  contentPerHour: number;
}

/** Two thirds of GitHub's points, half its concurrency, and its content-creating limits (never passed). */
export const DEFAULT_BUDGET: BudgetLimits = {
  pointsPerMinute: 600,
  concurrent: 50,
  contentPerMinute: 80,
  contentPerHour: 500,
};

/**
 * One replica's share of the budget when `replicas` replicas each keep their own (Bottleneck's local datastore):
 * together they stay within the default (GITHUB_BUDGET_REPLICAS).
 */
export function budgetShare(replicas: number, limits: BudgetLimits = DEFAULT_BUDGET): BudgetLimits {
  const share = (value: number) => Math.max(1, Math.floor(value / replicas));
  return {
    pointsPerMinute: share(limits.pointsPerMinute),
    concurrent: share(limits.concurrent),
    contentPerMinute: share(limits.contentPerMinute),
    contentPerHour: share(limits.contentPerHour),
  };
}

/**
 * A token bucket that never lets more than `perWindow` through in any window of `windowMs`: it holds `burstShare` of
 * them and earns the rest back evenly over the window (burst + refills in any window <= `perWindow`).
 */
export function bucketSettings(perWindow: number, windowMs: number, burstShare: number) {
  const burst = Math.max(1, Math.floor(perWindow * burstShare));
  const earned = perWindow - burst;
  if (earned < 1) return { burst, amount: 1, intervalMs: windowMs + 1 };
  // Bottleneck adds to the reservoir at most once per heartbeat (250 ms): refill once a second or less often, as
  // many at a time as that takes. A window may hold a refill at both of its ends: n refills in it, n * amount <= earned.
  const amount = Math.ceil((earned * 1_000) / windowMs);
  const refills = Math.max(1, Math.floor(earned / amount));
  return { burst, amount, intervalMs: Math.floor(windowMs / refills) + 1 };
}

function bucket(
  perWindow: number,
  windowMs: number,
  burstShare: number,
  maxConcurrent: number | null = null,
): Bottleneck {
  const { burst, amount, intervalMs } = bucketSettings(perWindow, windowMs, burstShare);
  return new Bottleneck({
    maxConcurrent,
    reservoir: burst,
    reservoirIncreaseInterval: intervalMs,
    reservoirIncreaseAmount: amount,
    reservoirIncreaseMaximum: burst,
  });
}

/** What a request is, for the budget: its cost, whether it creates content, and its place in the queue. */
export interface RequestKind {
  method: string;
  path: string;
}

const isDispatch = ({ method, path }: RequestKind) =>
  method === 'POST' && /\/(actions\/workflows\/[^/]+\/)?dispatches$/.test(path);

/** Bottleneck's priorities: lower runs first; FIFO within one priority. */
const priorityOf = (kind: RequestKind) => (isDispatch(kind) ? 0 : kind.method === 'GET' ? 5 : 3);

/**
 * What GitHub last said of an installation's primary rate limit (`x-ratelimit-*` of resource `core`): 5,000 to 15,000
 * requests an hour (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-github-app-installations).
 * GitHub Enterprise Server with rate limits off sends no such headers: nothing is known then.
 */
export interface PrimaryRateLimit {
  limit: number;
  remaining: number;
  /** When the hour's count starts again (epoch ms). */
  resetAt: number;
}

type ResponseHeaders = Record<string, string | number | undefined>;

function primaryRateLimitOf(headers: ResponseHeaders | undefined): PrimaryRateLimit | undefined {
  if (!headers || (headers['x-ratelimit-resource'] ?? 'core') !== 'core') return undefined;
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  if (!(limit > 0 && remaining >= 0 && reset > 0)) return undefined;
  return { limit, remaining, resetAt: reset * 1000 };
}

/** One installation's share of GitHub's secondary limits; requests over it wait, in order, dispatches first. */
class InstallationBudget {
  readonly points: Bottleneck;
  readonly contentMinute: Bottleneck;
  readonly contentHour: Bottleneck;
  /** Kept from the last answer that said it. */
  primary?: PrimaryRateLimit;

  constructor(limits: BudgetLimits) {
    this.points = bucket(limits.pointsPerMinute, 60_000, 1 / 6, limits.concurrent);
    // A small burst leaves more to earn back evenly: 5 at once, then 75 a minute, so a burst of dispatches goes out
    // at nearly GitHub's pace (100 in 76 s, well inside Orca's 120 s).
    this.contentMinute = bucket(limits.contentPerMinute, 60_000, 1 / 16);
    // Half the hour's writes at once, so that a release day's burst of dispatches is held back only by the minute's
    // limit: Orca waits 120 s for a dispatch call, and does not retry one that timed out.
    this.contentHour = bucket(limits.contentPerHour, 3_600_000, 1 / 2);
  }

  schedule<T>(kind: RequestKind, send: () => Promise<T>): Promise<T> {
    const priority = priorityOf(kind);
    const read = kind.method === 'GET' || kind.method === 'HEAD';
    const spend = () => this.points.schedule({ priority, weight: read ? 1 : 5 }, send);
    if (read) return spend();
    // Every write counts as content-creating: GitHub does not list which are, and dispatches, deployment statuses
    // and check runs, the writes that matter here, all are.
    return this.contentHour.schedule({ priority }, () => this.contentMinute.schedule({ priority }, spend));
  }

  /** Keeps what an answer's headers (or an error's answer's) say of the primary rate limit. */
  observe(headers: ResponseHeaders | undefined): void {
    this.primary = primaryRateLimitOf(headers) ?? this.primary;
  }
}

/** Requests a bucket holds back: received but not yet let through (Bottleneck counts both states). */
const waiting = (limiter: Bottleneck) => {
  const counts = limiter.counts();
  return (counts.RECEIVED ?? 0) + (counts.QUEUED ?? 0);
};

/** The request budgets of all installations (and one for the App's own requests), shared by every Octokit. */
export class RequestBudgets {
  private readonly budgets = new Map<string, InstallationBudget>();

  constructor(private readonly limits: BudgetLimits = DEFAULT_BUDGET) {}

  of(scope: string): InstallationBudget {
    let budget = this.budgets.get(scope);
    if (!budget) {
      budget = new InstallationBudget(this.limits);
      this.budgets.set(scope, budget);
    }
    return budget;
  }

  /** What GitHub last said of the installation's primary rate limit; undefined before its first answer that said. */
  primaryRateLimit(scope: string): PrimaryRateLimit | undefined {
    return this.budgets.get(scope)?.primary;
  }

  /**
   * `/metrics`: each installation's queued and running requests, what is left of each bucket, and GitHub's primary rate
   * limit and what is left of it.
   */
  register(registry: Registry): void {
    const budgets = this.budgets;
    new Gauge({
      name: 'github_request_budget_queued',
      help: 'GitHub requests waiting for the request budget, by installation and bucket (points, content_minute, content_hour)',
      labelNames: ['installation', 'bucket'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [installation, budget] of budgets) {
          this.set({ installation, bucket: 'points' }, waiting(budget.points));
          this.set({ installation, bucket: 'content_minute' }, waiting(budget.contentMinute));
          this.set({ installation, bucket: 'content_hour' }, waiting(budget.contentHour));
        }
      },
    });
    new Gauge({
      name: 'github_request_budget_running',
      help: 'GitHub requests in flight, by installation',
      labelNames: ['installation'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [installation, budget] of budgets) {
          const counts = budget.points.counts();
          this.set({ installation }, (counts.RUNNING ?? 0) + (counts.EXECUTING ?? 0));
        }
      },
    });
    new Gauge({
      name: 'github_request_budget_available',
      help: 'What is left of each bucket of the request budget right now (points, or content-creating requests), by installation',
      labelNames: ['installation', 'bucket'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [installation, budget] of budgets) {
          this.set({ installation, bucket: 'points' }, (await budget.points.currentReservoir()) ?? 0);
          this.set({ installation, bucket: 'content_minute' }, (await budget.contentMinute.currentReservoir()) ?? 0);
          this.set({ installation, bucket: 'content_hour' }, (await budget.contentHour.currentReservoir()) ?? 0);
        }
      },
    });
    const primary = (name: string, help: string, value: (limit: PrimaryRateLimit) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['installation'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [installation, budget] of budgets)
            if (budget.primary) this.set({ installation }, value(budget.primary));
        },
      });
    primary(
      'github_rate_limit_limit',
      "GitHub's primary rate limit of the installation: requests an hour",
      (l) => l.limit,
    );
    primary(
      'github_rate_limit_remaining',
      'What is left of the primary rate limit until it resets, as GitHub last said, by installation',
      // GitHub starts the count again at the reset time, whether or not an answer has said so since.
      (l) => (Date.now() >= l.resetAt ? l.limit : l.remaining),
    );
  }
}

function scopeOf(octokitOptions: { auth?: unknown }): string {
  const auth = octokitOptions.auth as { installationId?: number } | undefined;
  return auth?.installationId ? String(auth.installationId) : 'app';
}

/** Octokit plugin: pass `requestBudgets` in the constructor options; every request then waits for its budget. */
export function requestBudgetPlugin(
  octokit: Octokit,
  octokitOptions: { requestBudgets?: RequestBudgets; auth?: unknown },
) {
  const budgets = octokitOptions.requestBudgets;
  if (!budgets) return {};
  const budget = budgets.of(scopeOf(octokitOptions));
  octokit.hook.wrap('request', (request, options) => {
    const { url } = octokit.request.endpoint.parse(options);
    const kind = { method: options.method, path: new URL(url).pathname };
    return budget.schedule(kind, async () => {
      try {
        const response = await request(options);
        budget.observe(response.headers);
        return response;
      } catch (error) {
        budget.observe((error as { response?: { headers?: ResponseHeaders } }).response?.headers);
        throw error;
      }
    });
  });
  return {};
}
