import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import type { JobDto } from '../../src/api/types';
import { GithubRunLogsSection } from '../../src/logs/GithubRunLogsSection';
import { failedDispatchContext } from '../stages/contexts';
import { job, jobsHandler, jumpingTimers, logHandler, server, useBackend } from './support';

const run = { owner: 'octo-org', repo: 'web-app', runId: 42, runAttempt: 1, htmlUrl: 'https://github.com/x' };

describe('<GithubRunLogsSection />', () => {
  useBackend();

  const section = (context: object, stage: object = { isRunning: true, status: 'RUNNING' }) => {
    const props = { name: 'logs', current: 'logs', stage: { ...stage, context }, execution: {}, application: {} };
    return <GithubRunLogsSection {...(props as unknown as React.ComponentProps<typeof GithubRunLogsSection>)} />;
  };
  const renderSection = (context: object, stage?: object) => render(section(context, stage));

  it('is the logs section and shows the logs of the run in the stage context', async () => {
    server.use(jobsHandler([job(1, 'build')]), logHandler(1, 'compiled\n'));
    expect(GithubRunLogsSection.title).toBe('logs');
    renderSection({ webhook: { monitor: { body: { status: 'RUNNING', run } } } });
    expect(await screen.findByLabelText('Log of build')).toHaveTextContent('compiled');
  });

  it('says when the run of a finished stage had no jobs', async () => {
    server.use(jobsHandler([], 43));
    renderSection(
      { webhook: { monitor: { body: { run: { ...run, runId: 43, status: 'completed', conclusion: 'failure' } } } } },
      { isRunning: false, isFailed: true, status: 'TERMINAL' },
    );
    expect(await screen.findByText('Run 43 ended without jobs; its page on GitHub says why.')).toBeInTheDocument();
  });

  it('keeps reading the job list of a run that goes on after its stage was cancelled', async () => {
    jumpingTimers();
    let jobs: JobDto[] = [];
    server.use(
      jobsHandler(() => jobs, 44),
      logHandler(2, 'deploying\n', false),
    );
    renderSection(
      { webhook: { monitor: { body: { run: { ...run, runId: 44, status: 'in_progress', conclusion: null } } } } },
      { isRunning: false, isCanceled: true, status: 'CANCELED' },
    );
    expect(await screen.findByText('Run 44 has no jobs yet.')).toBeInTheDocument();

    jobs = [job(2, 'deploy', { status: 'in_progress', conclusion: null, completedAt: null })];
    // The list is read every 5 seconds while the run goes on.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await screen.findByRole('button', { name: /deploy/ })).toBeInTheDocument();
  });

  it('opens the failed job of the run of the stage the user switches to', async () => {
    server.use(
      jobsHandler([job(21, 'lint'), job(22, 'test', { conclusion: 'failure' })], 142),
      jobsHandler([job(31, 'lint'), job(32, 'e2e', { conclusion: 'failure' })], 143),
      logHandler(21, 'lint ok\n'),
      logHandler(22, '##[error]test failed\n'),
      logHandler(32, '##[error]e2e failed\n'),
    );
    const failedStage = { isRunning: false, isFailed: true, status: 'TERMINAL' };
    const runContext = (runId: number) => ({
      webhook: { monitor: { body: { run: { ...run, runId, status: 'completed', conclusion: 'failure' } } } },
    });
    // Deck's StepDetails renders the stage's sections without a key per stage: clicking another GitHub Workflow stage
    // of the execution renders this section again with the other stage.
    const { rerender } = renderSection(runContext(142), failedStage);
    await userEvent.click(await screen.findByRole('button', { name: /lint/ }));
    expect(await screen.findByLabelText('Log of lint')).toHaveTextContent('lint ok');

    rerender(section(runContext(143), failedStage));
    expect(await screen.findByRole('button', { name: /e2e/ })).toHaveAttribute('aria-expanded', 'true');
    expect(await screen.findByLabelText('Log of e2e')).toHaveTextContent('Error: e2e failed');
  });

  it('explains that logs come once the run has started', () => {
    renderSection({});
    expect(
      screen.getByText('Logs appear here once the stage has started its GitHub workflow run.'),
    ).toBeInTheDocument();
  });

  it('says why there are no logs when the stage failed before GitHub started a run', () => {
    renderSection(failedDispatchContext, { isRunning: false, isFailed: true, status: 'TERMINAL' });
    expect(
      screen.getByText(
        'There are no logs: the stage ended before GitHub started a workflow run. The Workflow Run section says why.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Logs appear here once/)).not.toBeInTheDocument();
  });
});
