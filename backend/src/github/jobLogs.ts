import { GoneError, UpstreamError } from '../errors.js';
import { within } from '../timeout.js';
import type { GithubApp } from './githubApp.js';
import { toHttpError } from './githubErrors.js';

export interface JobLog {
  body: ReadableStream<Uint8Array>;
  contentLength?: number;
  /** Set when the log host answered `from` with a part: where the body starts, and the size of the whole log. */
  range?: { start: number; size: number };
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * A job's plain-text log as a stream. GitHub answers with a 302 to a pre-signed URL that expires
 * after a minute (https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run);
 * we follow it ourselves so the installation token is never sent to the log host, and we hand the
 * body on as it arrives instead of buffering logs that can be hundreds of megabytes.
 *
 * With `from`, only the bytes from there are asked for (`Range: bytes=from-`, which the log host, Azure blob storage,
 * answers with 206 and `Content-Range`). A host that answers 416 (the log is now shorter) or another part is asked again
 * for the whole log, and a whole answer (200) is handed on as such: `range` is then unset.
 */
export async function openJobLog(
  github: GithubApp,
  { owner, repo, jobId }: { owner: string; repo: string; jobId: number },
  { from, timeoutMs }: { from?: number; timeoutMs: number },
): Promise<JobLog> {
  const location = await jobLogLocation(github, { owner, repo, jobId });
  let response = await fetchLog(location, jobId, timeoutMs, from);
  let parts = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
  // A compressed part's Content-Range counts compressed bytes: of no use for appending.
  const compressedPart = response.status === 206 && compressed(response);
  if (
    from !== undefined &&
    (response.status === 416 || compressedPart || (response.status === 206 && Number(parts?.[1]) !== from))
  ) {
    discard(response.body);
    response = await fetchLog(location, jobId, timeoutMs);
    parts = null;
  }
  if (response.status === 404 || response.status === 410) {
    throw new GoneError(`The log of job ${jobId} in ${owner}/${repo} has expired or was deleted.`);
  }
  if (!response.ok || !response.body) {
    throw new UpstreamError(`The log host answered ${response.status} for job ${jobId}.`);
  }
  const length = compressed(response) ? NaN : Number(response.headers.get('content-length'));
  const contentLength = Number.isFinite(length) && length > 0 ? length : undefined;
  if (response.status !== 206 || !parts) return { body: response.body, contentLength };
  return { body: response.body, contentLength, range: { start: Number(parts[1]), size: Number(parts[3]) } };
}

/**
 * Where GitHub's log host serves the job's log, for a minute. Without following it: the answer says whether GitHub
 * still has the log (404 once it was deleted or has expired), and the log host must never see our token.
 */
export async function jobLogLocation(
  github: GithubApp,
  { owner, repo, jobId }: { owner: string; repo: string; jobId: number },
): Promise<string> {
  const client = await github.forRepo(owner, repo);
  let location: string | undefined;
  try {
    const response = await client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
      owner,
      repo,
      job_id: jobId,
      request: { redirect: 'manual' },
    });
    location = response.headers.location;
  } catch (error) {
    throw toHttpError(error, {
      action: `reading the log of job ${jobId} in ${owner}/${repo}`,
      appId: github.appId,
      notFound: `The log of job ${jobId} in ${owner}/${repo} is not available: the job does not exist, has not started, or its logs were deleted or have expired.`,
    });
  }
  if (!location) throw new UpstreamError(`GitHub did not say where to download the log of job ${jobId}.`);
  return location;
}

/**
 * Whether the body came compressed: fetch decodes it, and its Content-Length counts the compressed bytes, not the
 * log's. We ask for none (`fetchLog`), but a proxy on the way may compress all the same.
 */
const compressed = (response: Response) => (response.headers.get('content-encoding') ?? 'identity') !== 'identity';

/**
 * Drops a body (or the reader of one) not read to its end: the connection is closed without waiting (msw's cancel of
 * a mocked body never settles).
 */
export function discard(body: { cancel(): Promise<void> } | null): void {
  body?.cancel().catch(() => undefined);
}

/**
 * How long the log host may take to answer, and then to send each next part of a log. Not a limit on the whole
 * download: a log of hundreds of megabytes may take minutes, but one that stalls holds every viewer of its job.
 */
export const LOG_HOST_TIMEOUT_MS = 30_000;

async function fetchLog(location: string, jobId: number, timeoutMs: number, from?: number): Promise<Response> {
  // Not AbortSignal.timeout: it would also cut off a body that is still arriving.
  const answered = new AbortController();
  const timer = setTimeout(() => answered.abort(), timeoutMs);
  try {
    // identity: the log's own bytes, which Content-Length and Content-Range then count (fetch asks for gzip unless told).
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (from !== undefined) headers.range = `bytes=${from}-`;
    return await fetch(location, { headers, signal: answered.signal });
  } catch (error) {
    const why = answered.signal.aborted ? `did not answer within ${timeoutMs / 1000} s` : 'could not be reached';
    throw new UpstreamError(`The log host for job ${jobId} ${why}.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The parts of a log as GitHub's log host sends them. A connection that breaks off, or sends nothing for `timeoutMs`,
 * is GitHub's failure (502), not ours.
 */
export async function* logParts(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  job: number,
  timeoutMs: number,
): AsyncGenerator<Uint8Array> {
  const stalled = () =>
    new UpstreamError(`The log host sent nothing of the log of job ${job} for ${timeoutMs / 1000} s.`);
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await within(reader.read(), timeoutMs, stalled);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(`The log host broke off the log of job ${job}.`, { cause: error });
    }
    if (next.done) return;
    yield next.value;
  }
}
