import { screen, waitFor } from '@testing-library/react';
import React from 'react';

import { RunLogs } from '../../src/logs/RunLogs';
import { job, jobsHandler, logHandler, logRequests as logReads, renderWithClient, server, useBackend } from './support';

const TS = '2024-03-14T09:00:10.0000000Z ';
// As GitHub writes a step: its `Run …` group holds the script, the output follows it.
const STEPS = [
  '##[group]Run ./deploy.sh',
  '##[endgroup]',
  'deploying web-app',
  'waiting for rollout',
  'rollout complete',
];

describe('live logs', () => {
  useBackend();

  afterEach(() => {
    vi.useRealTimers();
  });

  it('appends new lines while the job runs and stops polling once it has completed', async () => {
    // Time runs as usual, and the test can also jump it forward instead of waiting.
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    let logRequests = 0;
    let completed = false;
    server.use(
      jobsHandler(() => [
        job(5, 'deploy', completed ? {} : { status: 'in_progress', conclusion: null, completedAt: null }),
      ]),
      logHandler(
        5,
        () => {
          logRequests++;
          return STEPS.slice(0, Math.min(logRequests, STEPS.length))
            .map((line) => TS + line + '\n')
            .join('');
        },
        () => completed,
      ),
    );
    renderWithClient(
      <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50, logMinMs: 20, logMaxMs: 80 }} />,
    );

    const log = await screen.findByLabelText('Log of deploy');
    expect(log).toHaveTextContent('Run ./deploy.sh');
    await waitFor(() => expect(log).toHaveTextContent('deploying web-app'));
    await waitFor(() => expect(log).toHaveTextContent('rollout complete'));
    expect(screen.getAllByRole('img', { name: 'in progress' }).length).toBeGreaterThan(0);

    completed = true;
    expect(await screen.findByRole('button', { name: /^succeeded deploy/ })).toBeInTheDocument();
    // The final read of the log after completion, then silence: polling every 20–80 ms would show within a minute.
    await waitFor(() => expect(logRequests).toBeGreaterThan(STEPS.length));
    const settled = logRequests;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(logRequests).toBe(settled);
    expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('rollout complete');
    // Each poll asked only for the bytes after those it had: the whole log was read from byte 0 once.
    const whole = STEPS.map((line) => TS + line + '\n').join('');
    expect(logReads.filter((read) => read.start === 0)).toHaveLength(1);
    expect(logReads.every((read) => read.start !== null)).toBe(true);
    expect(logReads.at(-1)?.start).toBe(new TextEncoder().encode(whole).length);
  });
});

describe('a queued job', () => {
  useBackend();

  it('asks for no log until the job starts, then shows it', async () => {
    let status: 'queued' | 'in_progress' = 'queued';
    let logRequests = 0;
    let jobsRequests = 0;
    server.use(
      jobsHandler(() => {
        jobsRequests++;
        return [job(7, 'deploy', { status, conclusion: null, completedAt: null, startedAt: '2024-03-14T09:00:10Z' })];
      }),
      logHandler(7, () => {
        logRequests++;
        return TS + 'deploying web-app\n';
      }),
    );
    renderWithClient(
      <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50, logMinMs: 20, logMaxMs: 80 }} />,
    );

    expect(await screen.findByText('deploy is queued; its log appears here once it starts.')).toBeInTheDocument();
    // Several polls of the job list go by without a request for its log.
    await waitFor(() => expect(jobsRequests).toBeGreaterThan(3));
    expect(logRequests).toBe(0);

    status = 'in_progress';
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('deploying web-app');
    expect(logRequests).toBeGreaterThan(0);
  });
});
