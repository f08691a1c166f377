import { error, requestId, type SimResponse } from './responses.js';

export type Fault =
  | 'secondary-rate-limit'
  | 'primary-rate-limit'
  | 'malformed-json'
  | { status: number; body?: unknown; headers?: Record<string, string> };

export interface FaultMatch {
  method?: string;
  /** A path as sent (`/repos/octo-org/hello-world/actions/runs/3001`), a path template (`/repos/{owner}/{repo}/actions/runs/{run_id}`), or a RegExp tested on the path. */
  path: string | RegExp;
  times?: number;
  /** Seconds in `retry-after` (secondary) or until `x-ratelimit-reset` (primary); default 1. */
  retryAfterSeconds?: number;
}

export interface PendingFault extends Required<Omit<FaultMatch, 'method'>> {
  method?: string;
  fault: Fault;
}

export function pathMatches(path: string | RegExp, candidates: (string | undefined)[]): boolean {
  return candidates.some(
    (candidate) => candidate !== undefined && (typeof path === 'string' ? path === candidate : path.test(candidate)),
  );
}

/** Takes one use of the first pending fault that matches the request. */
export function takeFault(
  pending: PendingFault[],
  method: string,
  candidates: (string | undefined)[],
): PendingFault | undefined {
  const found = pending.find(
    (f) => f.times > 0 && (!f.method || f.method.toUpperCase() === method) && pathMatches(f.path, candidates),
  );
  if (found) found.times -= 1;
  return found;
}

/**
 * GitHub's rate-limit answers (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit):
 * the secondary limit is a 403 whose message says "secondary rate limit", with `retry-after`;
 * the primary limit is a 403 with `x-ratelimit-remaining: 0` and the reset time.
 * @octokit/plugin-throttling tells them apart by exactly these signs.
 */
export function faultResponse(pending: PendingFault, identity: { installationId?: number }): SimResponse {
  const { fault, retryAfterSeconds } = pending;
  if (fault === 'secondary-rate-limit') {
    return {
      ...error(
        403,
        `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId()}.`,
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      ),
      headers: { 'retry-after': String(retryAfterSeconds) },
    };
  }
  if (fault === 'primary-rate-limit') {
    const who = identity.installationId ? `installation ID ${identity.installationId}` : 'this app';
    const reset = Math.floor(Date.now() / 1000) + retryAfterSeconds;
    return {
      ...error(
        403,
        `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID ${requestId()} and timestamp ${new Date().toISOString()}.`,
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      ),
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset) },
    };
  }
  if (fault === 'malformed-json') throw new Error('malformed-json wraps the real answer; the simulator handles it');
  const body = fault.body ?? error(fault.status, STATUS_TEXT[fault.status] ?? 'Error').json;
  return { status: fault.status, json: body, headers: fault.headers };
}

const STATUS_TEXT: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};
