import { SETTINGS } from '@spinnaker/core';

import type { ErrorBody, JobDto } from '../api/types';
import { parseLogRange, type LogRange } from './logRange';
import type { RunRef } from './types';

/** A non-2xx answer from the backend, with its status and the backend's own message. */
export class LogRequestError extends Error {
  override name = 'LogRequestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  static async fromResponse(response: Response, what: string): Promise<LogRequestError> {
    let detail = response.statusText || `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as Partial<ErrorBody>;
      if (body.error?.message) detail = body.error.message;
    } catch {
      // Not JSON (a proxy's error page): the status text says enough.
    }
    return new LogRequestError(response.status, `Failed to load ${what}: ${detail}`);
  }
}

/**
 * The backend as Gate proxies it for the signed-in user.
 *
 * Why the log reads use fetch and not Deck's REST (src/api/client.ts): REST's $http client takes any non-empty answer
 * that is not JSON or YAML for Gate's login page. It calls `AuthenticationInitializer.reauthenticateUser()` and
 * rejects with "API response was neither JSON nor zero-length html or text" (spinnaker/deck
 * packages/core/src/api/ApiService.ts, AngularJSHttpClient). A log range is text/plain, and it cannot be JSON: Gate's
 * proxy parses any answer that starts with `{` or `[`. fetch also lets react-query cancel a range nobody waits for.
 */
export function backendUrl(path: string): string {
  return `${SETTINGS.gateUrl}/proxies/github${path}`;
}

const repoPath = ({ owner, repo }: { owner: string; repo: string }) =>
  `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** A web page where the backend's answer should be: most likely Gate's login page, once the session has ended. */
const sessionEnded = (what: string) =>
  new Error(
    `The backend answered with a web page instead of ${what}: your Spinnaker session may have ended. Reload the page, or sign in again.`,
  );

async function get(path: string, what: string, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(backendUrl(path), { credentials: 'include', signal });
  if (!response.ok) throw await LogRequestError.fromResponse(response, what);
  if (response.headers.get('content-type')?.startsWith('text/html')) throw sessionEnded(what);
  return response;
}

/** The run's jobs with their steps. Throws `LogRequestError`. */
export async function fetchRunJobs(run: RunRef, signal?: AbortSignal): Promise<JobDto[]> {
  const response = await get(`${repoPath(run)}/runs/${run.runId}/jobs`, `the jobs of run ${run.runId}`, signal);
  return ((await response.json()) as { items: JobDto[] }).items;
}

/**
 * Bytes `start` to at most `start + length` of the job's log. Throws `LogRequestError`: 404 when the job has no log
 * (yet), 410 when GitHub has expired it, 416 when `start` is past the end of the log.
 */
export async function fetchJobLogRange(
  job: { owner: string; repo: string; jobId: number },
  { start, length }: { start: number; length: number },
  signal?: AbortSignal,
): Promise<LogRange> {
  const query = new URLSearchParams({ start: String(start), length: String(length) });
  const what = `the log of job ${job.jobId}`;
  const response = await get(`${repoPath(job)}/jobs/${job.jobId}/logs?${query}`, what, signal);
  const body = await response.text();
  // A range starts with its `#log` line; a page may come without its content type.
  if (body.trimStart().startsWith('<')) throw sessionEnded(what);
  return parseLogRange(body);
}
