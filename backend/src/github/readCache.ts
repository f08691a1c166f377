import type { Octokit } from '@octokit/core';
import { RequestError } from '@octokit/request-error';
import { LRUCache } from 'lru-cache';

// Derived from @octokit/core itself so the hook's types match whichever @octokit/types it uses.
type Response = Awaited<ReturnType<Octokit['request']>>;
type EndpointDefaults = Parameters<Octokit['request']['endpoint']['parse']>[0];

interface Entry {
  etag: string;
  response: Response;
  fetchedAt: number;
}

/**
 * Conditional-request cache for GitHub reads, shared by every Octokit instance of the backend.
 * A read is answered from memory while fresh, then revalidated with `If-None-Match`: GitHub's 304
 * costs no rate limit (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 * Identical reads in flight at once share one upstream call.
 * Octokit has no maintained plugin for either, so this is ours.
 */
export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<Response>>();

  constructor(
    private readonly options: { freshForMs: number; maxEntries?: number; now?: () => number } = { freshForMs: 5000 },
  ) {
    this.entries = new LRUCache({ max: options.maxEntries ?? 5000 });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Forget reads under a path prefix of one auth scope, after we changed something there. */
  invalidate(scope: string, pathPrefix: string): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith(`${scope} ${pathPrefix}`)) this.entries.delete(key);
    }
  }

  /** `revalidate`: skip the fresh window and ask GitHub (still conditionally, so an unchanged answer is free). */
  async read(
    key: string,
    send: (headers: Record<string, string>) => Promise<Response>,
    { revalidate = false } = {},
  ): Promise<Response> {
    const cached = this.entries.get(key);
    if (cached && !revalidate && this.now() - cached.fetchedAt < this.options.freshForMs) return own(cached.response);

    const pending = this.inFlight.get(key);
    if (pending) return pending.then(own);

    const promise = this.revalidate(key, cached, send).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise.then(own);
  }

  private async revalidate(
    key: string,
    cached: Entry | undefined,
    send: (headers: Record<string, string>) => Promise<Response>,
  ): Promise<Response> {
    try {
      const response = await send(cached ? { 'if-none-match': cached.etag } : {});
      const etag = response.headers.etag;
      if (etag) this.entries.set(key, { etag, response: own(response), fetchedAt: this.now() });
      return response;
    } catch (error) {
      if (cached && error instanceof RequestError && error.status === 304) {
        cached.fetchedAt = this.now();
        return cached.response;
      }
      throw error;
    }
  }
}

/**
 * Every caller gets its own copy: Octokit's paginate rewrites `response.data` of list endpoints in place
 * (`{ total_count, workflows }` becomes the array), and a shared object would be rewritten twice.
 */
const own = (response: Response): Response => structuredClone(response);

/** Streams and redirects are not cacheable; neither are writes. */
function isCacheableRead(options: EndpointDefaults): boolean {
  return (
    options.method === 'GET' &&
    options.request?.parseSuccessResponseBody !== false &&
    options.request?.redirect !== 'manual'
  );
}

function authScope(octokitOptions: { auth?: unknown }): string {
  const auth = octokitOptions.auth as { installationId?: number } | undefined;
  return auth?.installationId ? `installation:${auth.installationId}` : 'app';
}

/**
 * Octokit hands back a JSON answer it cannot parse as a string; refused here, so that it is neither cached nor
 * mistaken for data (a truncated answer from a proxy, a GitHub incident).
 */
function wellFormed<T extends { data: unknown; headers: Record<string, unknown> }>(
  response: T,
  method: string,
  url: string,
): T {
  const type = String(response.headers['content-type'] ?? '');
  if (typeof response.data === 'string' && response.data !== '' && /json/.test(type)) {
    throw new RequestError('GitHub answered with malformed JSON', 502, {
      request: { method: method as 'GET', url, headers: {} },
    });
  }
  return response;
}

/**
 * Headers that ask the read cache to skip its fresh window for one read and ask GitHub (still conditionally, so an
 * unchanged answer is free): `client.request(route, { ...parameters, headers: REVALIDATE })`. A header rather than a
 * request option because Octokit's paginate sends each page with only the method, the URL and the headers. The
 * cache removes it before the request leaves.
 */
const REVALIDATE_HEADER = 'x-read-cache-revalidate';
export const REVALIDATE: Record<string, string> = { [REVALIDATE_HEADER]: 'true' };

/** Octokit plugin: pass `readCache` in the constructor options to enable it. */
export function readCachePlugin(octokit: Octokit, octokitOptions: { readCache?: ReadCache; auth?: unknown }) {
  const cache = octokitOptions.readCache;
  if (!cache) return {};
  const scope = authScope(octokitOptions);

  octokit.hook.wrap('request', async (unchecked, options) => {
    const { url, headers } = octokit.request.endpoint.parse(options);
    const request = async (o: typeof options) => wellFormed(await unchecked(o), options.method, url);
    const path = new URL(url).pathname;
    if (!isCacheableRead(options)) {
      const response = await request(options);
      if (options.method !== 'GET') cache.invalidate(scope, path.split('/').slice(0, 4).join('/'));
      return response;
    }
    const key = `${scope} ${path}${new URL(url).search} ${headers.accept ?? ''}`;
    const revalidate = headers[REVALIDATE_HEADER] !== undefined;
    delete (options.headers as Record<string, unknown>)[REVALIDATE_HEADER];
    return cache.read(
      key,
      async (extra) => {
        // before-after-hook binds every hook to the original options object, so the inner hooks
        // (retry, throttling, auth) only see a header that is set on that object, not on a copy.
        Object.assign(options.headers, extra);
        return request(options);
      },
      { revalidate },
    );
  });
  return {};
}
