import { SETTINGS } from '@spinnaker/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';

import type { JobDto, StepDto } from '../../src/api/types';

export const GATE = 'http://gate.test';
export const API = `${GATE}/proxies/github`;

export const server = setupServer();

/** msw on, Gate's URL set, handlers and timers reset after each test. */
export function useBackend(): void {
  beforeAll(() => {
    SETTINGS.gateUrl = GATE;
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => {
    server.resetHandlers();
    logRequests.length = 0;
    vi.useRealTimers();
  });
  afterAll(() => server.close());
}

export function renderWithClient(ui: React.ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false } },
    logger: { log: () => {}, warn: () => {}, error: () => {} },
  });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

const step = (number: number, name: string, conclusion: string | null = 'success'): StepDto => ({
  number,
  name,
  status: conclusion ? 'completed' : 'in_progress',
  conclusion,
  startedAt: '2024-03-14T09:00:10Z',
  completedAt: conclusion ? '2024-03-14T09:00:14Z' : null,
});

export function job(id: number, name: string, overrides: Partial<JobDto> = {}): JobDto {
  return {
    id,
    runId: 42,
    name,
    status: 'completed',
    conclusion: 'success',
    startedAt: '2024-03-14T09:00:10Z',
    completedAt: '2024-03-14T09:01:35Z',
    htmlUrl: `https://github.com/octo-org/web-app/actions/runs/42/job/${id}`,
    steps: [step(1, 'Set up job'), step(2, 'Run actions/checkout@v4'), step(3, 'Run npm test')],
    ...overrides,
  };
}

export const jobsHandler = (jobs: JobDto[] | (() => JobDto[]), runId = 42) =>
  http.get(`${API}/repos/octo-org/web-app/runs/${runId}/jobs`, () =>
    HttpResponse.json({ items: typeof jobs === 'function' ? jobs() : jobs }),
  );

/** Every log request the handlers answered, as `start`/`length` (null when the whole log was asked for). */
export const logRequests: { jobId: number; start: number | null; length: number | null }[] = [];

/**
 * The backend's log endpoint: with `start` and `length`, the range (never splitting a UTF-8 character) after the
 * `#log` first line the backend writes; without, the whole text. `complete` says whether the job has completed.
 */
export const logHandler = (
  jobId: number,
  text: string | (() => string),
  complete: boolean | (() => boolean) = true,
  age: () => number = () => 0,
) =>
  http.get(`${API}/repos/octo-org/web-app/jobs/${jobId}/logs`, ({ request }) =>
    serveLog(
      request,
      jobId,
      typeof text === 'function' ? text() : text,
      typeof complete === 'function' ? complete() : complete,
      age(),
    ),
  );

/**
 * The backend's answer to one log request for `whole`, the job's log so far; `age`, for a running job's, is how long
 * ago the backend read it from GitHub.
 */
export function serveLog(request: Request, jobId: number, whole: string, complete: boolean, age = 0): Response {
  const url = new URL(request.url);
  const start = url.searchParams.get('start');
  const length = url.searchParams.get('length');
  logRequests.push({
    jobId,
    start: start === null ? null : Number(start),
    length: length === null ? null : Number(length),
  });
  if (start === null) return HttpResponse.text(whole);
  const bytes = new TextEncoder().encode(whole);
  const from = Number(start);
  if (from > bytes.length) {
    return HttpResponse.json({ error: { name: 'RangeNotSatisfiableError', message: 'past the end' } }, { status: 416 });
  }
  let end = Math.min(bytes.length, from + Number(length ?? bytes.length));
  while (end > from && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const header = `#log start=${from} end=${end} size=${bytes.length} complete=${complete}${complete ? '' : ` age=${age}`}\n`;
  return HttpResponse.text(header + new TextDecoder().decode(bytes.subarray(from, end)));
}

export const logErrorHandler = (jobId: number, status: number, name: string, message: string) =>
  http.get(`${API}/repos/octo-org/web-app/jobs/${jobId}/logs`, () =>
    HttpResponse.json({ error: { name, message }, response: { statusCode: status } }, { status }),
  );

export const jobsErrorHandler = (status: number, message: string) =>
  http.get(`${API}/repos/octo-org/web-app/runs/42/jobs`, () =>
    HttpResponse.json({ error: { name: 'NotFoundError', message } }, { status }),
  );

/** Fake timers that also follow real time: a test can jump them (`vi.advanceTimersByTimeAsync`) instead of waiting. */
export function jumpingTimers(): void {
  vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
}
