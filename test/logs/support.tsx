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

/** msw on, Gate's URL set, handlers reset after each test. */
export function useBackend(): void {
  beforeAll(() => {
    SETTINGS.gateUrl = GATE;
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => server.resetHandlers());
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

export const jobsHandler = (jobs: JobDto[] | (() => JobDto[])) =>
  http.get(`${API}/repos/octo-org/web-app/runs/42/jobs`, () =>
    HttpResponse.json({ items: typeof jobs === 'function' ? jobs() : jobs }),
  );

export const logHandler = (jobId: number, text: string | (() => string)) =>
  http.get(`${API}/repos/octo-org/web-app/jobs/${jobId}/logs`, () =>
    HttpResponse.text(typeof text === 'function' ? text() : text),
  );

export const logErrorHandler = (jobId: number, status: number, name: string, message: string) =>
  http.get(`${API}/repos/octo-org/web-app/jobs/${jobId}/logs`, () =>
    HttpResponse.json({ error: { name, message }, response: { statusCode: status } }, { status }),
  );

export const jobsErrorHandler = (status: number, message: string) =>
  http.get(`${API}/repos/octo-org/web-app/runs/42/jobs`, () =>
    HttpResponse.json({ error: { name: 'NotFoundError', message } }, { status }),
  );
