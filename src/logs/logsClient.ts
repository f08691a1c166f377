import { SETTINGS } from '@spinnaker/core';

import type { ErrorBody, JobDto, LogRangeDto } from '../api/types';
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

/** The backend as Gate proxies it for the signed-in user. */
export function backendUrl(path: string): string {
  return `${SETTINGS.gateUrl}/proxies/github${path}`;
}

const repoPath = ({ owner, repo }: { owner: string; repo: string }) =>
  `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

async function get(path: string, what: string, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(backendUrl(path), { credentials: 'include', signal });
  if (!response.ok) throw await LogRequestError.fromResponse(response, what);
  return response;
}

/** The run's jobs with their steps. Throws `LogRequestError`. */
export async function fetchRunJobs(run: RunRef, signal?: AbortSignal): Promise<JobDto[]> {
  const response = await get(`${repoPath(run)}/runs/${run.runId}/jobs`, `the jobs of run ${run.runId}`, signal);
  return ((await response.json()) as { items: JobDto[] }).items;
}

/** A range of a job's log as the backend serves it, with what it knows of the whole log. */
export interface LogRange extends LogRangeDto {
  text: string;
}

/** Reads the `#log start=… end=… size=… complete=…` first line of a ranged answer (backend/src/contract.ts). */
export function parseLogRange(body: string): LogRange {
  const newline = body.indexOf('\n');
  if (!body.startsWith('#log ') || newline < 0) {
    throw new Error("The backend's answer is not a log range: is it older than the plugin?");
  }
  const fields = new Map(
    body
      .slice(0, newline)
      .split(' ')
      .slice(1)
      .map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const),
  );
  const count = (name: string) => {
    const value = Number(fields.get(name));
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`The backend's log range has no valid ${name}.`);
    return value;
  };
  return {
    start: count('start'),
    end: count('end'),
    size: count('size'),
    complete: fields.get('complete') === 'true',
    text: body.slice(newline + 1),
  };
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
  const response = await get(`${repoPath(job)}/jobs/${job.jobId}/logs?${query}`, `the log of job ${job.jobId}`, signal);
  return parseLogRange(await response.text());
}
