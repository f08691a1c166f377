import Bottleneck from 'bottleneck';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from 'pino';
import { readCachePlugin, type ReadCache } from './readCache.js';
import { requestBudgetPlugin, type RequestBudgets } from './requestBudget.js';

export interface OctokitSettings {
  apiUrl: string;
  logger: Logger;
  readCache: ReadCache;
  /** Each installation's share of GitHub's secondary rate limits (requestBudget.ts). */
  requestBudgets?: RequestBudgets;
  /** The longest GitHub may make us wait before we give up and answer 503 with Retry-After. */
  maxRetryAfterSeconds?: number;
  /** Multiplier of every retry wait, in ms (tests shorten the exponential 5xx backoff; GitHub's Retry-After is still honoured). */
  retryBaseMs?: number;
  retries?: number;
  /** How long one request to GitHub may take before it is abandoned (and retried like a network failure). */
  timeoutMs?: number;
}

/** Octokit sets no timeout of its own: a GitHub that never answers would hold a worker (and its lease) forever. */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    // Looked up at call time, so that a fetch installed later (msw in tests) is used.
    return globalThis.fetch(input, {
      ...init,
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
}

const USER_AGENT = 'spinnaker-github-backend';

/**
 * One Octokit class for the App and all its installations: primary and secondary rate limits
 * (plugin-throttling), retries of 5xx and network failures (plugin-retry), the installation's request budget around
 * them (so that a dispatch waits in the budget's queue ahead of reads, not behind them in plugin-throttling's), then
 * the read cache outermost so that cache hits skip every queue.
 */
export function createOctokitClass(settings: OctokitSettings) {
  const { logger, maxRetryAfterSeconds = 60 } = settings;
  // plugin-throttling spaces writes a second apart in one group that every installation shares (all use its default
  // throttle id): 100 dispatches would take 100 s, and Orca gives up on a dispatch call after 120 s. With a request
  // budget, the budget paces each installation's writes within GitHub's 80 a minute instead.
  const write = settings.requestBudgets ? new Bottleneck.Group({ maxConcurrent: null, minTime: 0 }) : undefined;
  const log = logger.child({ component: 'octokit' });
  return Octokit.plugin(paginateRest, throttling, retry, requestBudgetPlugin, readCachePlugin).defaults({
    baseUrl: settings.apiUrl,
    userAgent: USER_AGENT,
    readCache: settings.readCache,
    requestBudgets: settings.requestBudgets,
    request: { fetch: fetchWithTimeout(settings.timeoutMs ?? 30_000) },
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.info(message),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
    retry: { retries: settings.retries ?? 3, retryAfterBaseValue: settings.retryBaseMs ?? 1000 },
    throttle: {
      ...(write ? { write } : {}),
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, method: options.method, url: options.url }, 'GitHub primary rate limit reached');
        return retryCount < 1 && retryAfter <= maxRetryAfterSeconds;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, method: options.method, url: options.url }, 'GitHub secondary rate limit reached');
        return retryCount < 2 && retryAfter <= maxRetryAfterSeconds;
      },
    },
  });
}

export type GithubOctokit = InstanceType<ReturnType<typeof createOctokitClass>>;
