import { render, screen } from '@testing-library/react';
import React from 'react';

import { GithubRunLogsSection } from '../../src/logs/GithubRunLogsSection';
import { runFromStageContext } from '../../src/logs/stageContext';
import { job, jobsHandler, logHandler, server, useBackend } from './support';

const run = { owner: 'octo-org', repo: 'web-app', runId: 42, runAttempt: 1, htmlUrl: 'https://github.com/x' };

describe('runFromStageContext', () => {
  it('reads the run from the latest status poll, then from the dispatch response', () => {
    const dispatch = { webhook: { body: { ...run, runId: 41 } } };
    expect(runFromStageContext(dispatch)).toEqual({ owner: 'octo-org', repo: 'web-app', runId: 41 });
    const polled = { webhook: { ...dispatch.webhook, monitor: { body: { status: 'RUNNING', run } } } };
    expect(runFromStageContext(polled)).toEqual({ owner: 'octo-org', repo: 'web-app', runId: 42 });
  });

  it('reads bodies Orca kept as JSON strings and ignores what is not a run', () => {
    expect(runFromStageContext({ webhook: { body: JSON.stringify(run) } })?.runId).toBe(42);
    expect(runFromStageContext({ webhook: { body: 'Bad Gateway' } })).toBeUndefined();
    expect(runFromStageContext({ webhook: { body: { owner: 'o', repo: 'r', runId: 'x' } } })).toBeUndefined();
    expect(runFromStageContext(undefined)).toBeUndefined();
  });
});

describe('<GithubRunLogsSection />', () => {
  useBackend();

  const renderSection = (context: object) => {
    const props = { name: 'logs', current: 'logs', stage: { context }, execution: {}, application: {} };
    render(<GithubRunLogsSection {...(props as unknown as React.ComponentProps<typeof GithubRunLogsSection>)} />);
  };

  it('is the logs section and shows the logs of the run in the stage context', async () => {
    server.use(jobsHandler([job(1, 'build')]), logHandler(1, 'compiled\n'));
    expect(GithubRunLogsSection.title).toBe('logs');
    renderSection({ webhook: { monitor: { body: { status: 'RUNNING', run } } } });
    expect(await screen.findByLabelText('Log of build')).toHaveTextContent('compiled');
  });

  it('explains that logs come once the run has started', () => {
    renderSection({});
    expect(
      screen.getByText('Logs appear here once the stage has started its GitHub workflow run.'),
    ).toBeInTheDocument();
  });
});
