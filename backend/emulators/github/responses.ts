import { createHash, randomBytes } from 'node:crypto';

/** A simulated answer before it becomes an HTTP response. */
export interface SimResponse {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Cacheable reads get an ETag and may be answered 304. */
  cacheable?: boolean;
  lastModified?: string;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body; `status` is a string in it (see `basic-error`). */
export function error(status: number, message: string, documentationUrl = DOCS): SimResponse {
  return { status, json: { message, documentation_url: documentationUrl, status: String(status) } };
}

export const notFound = (documentationUrl?: string) => error(404, 'Not Found', documentationUrl);
export const ok = (json: unknown, extra: Partial<SimResponse> = {}): SimResponse => ({
  status: 200,
  json,
  cacheable: true,
  ...extra,
});

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, capped at 100) and `page` (from 1),
 * with a `Link` header naming the first/prev/next/last pages that exist
 * (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */
export function paginate<T>(items: T[], url: URL, wrap: (page: T[]) => unknown = (page) => page): SimResponse {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page')) || 30, 1), 100);
  const page = Math.max(Number(url.searchParams.get('page')) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    return `<${target}>; rel="${rel}"`;
  };
  const rels = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  const json = wrap(items.slice((page - 1) * perPage, page * perPage));
  return ok(json, rels.length ? { headers: { link: rels.join(', ') } } : {});
}

/** A weak ETag over the exact body bytes, the form GitHub sends for JSON. */
export const weakEtag = (body: string) => `W/"${createHash('sha256').update(body).digest('hex')}"`;

export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** `x-github-request-id` looks like `C0DE:1A2B3C:4D5E6F7:8A9B0C1:65920000`. */
export function requestId(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}:${Math.floor(Date.now() / 1000)
    .toString(16)
    .toUpperCase()}`;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
  resource: string;
}

/**
 * The primary rate limit per credential, an hour window from the first request
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */
export class RateLimits {
  private readonly windows = new Map<string, { used: number; reset: number }>();

  /** Counts one request unless `free` (a 304 costs nothing), and reports the headers' values. */
  take(identity: string, { free = false, limit = 5000 } = {}): RateLimitState {
    const now = Math.floor(Date.now() / 1000);
    let window = this.windows.get(identity);
    if (!window || window.reset <= now) {
      window = { used: 0, reset: now + 3600 };
      this.windows.set(identity, window);
    }
    if (!free) window.used += 1;
    return {
      limit,
      remaining: Math.max(limit - window.used, 0),
      used: window.used,
      reset: window.reset,
      resource: 'core',
    };
  }

  clear(): void {
    this.windows.clear();
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-resource': state.resource,
  };
}
