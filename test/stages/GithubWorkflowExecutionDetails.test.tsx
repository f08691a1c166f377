import type { IExecutionStage } from '@spinnaker/core';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import React from 'react';

import { LIVE_REFETCH_MS } from '../../src/api/queries';
import {
  GithubWorkflowExecutionDetails,
  GithubWorkflowRun,
} from '../../src/stages/githubWorkflow/GithubWorkflowExecutionDetails';
import { queryClient } from '../../src/queryClient';
import { bootstrapAngular } from '../angular';
import { jobs, run } from '../msw/fixtures';
import { API, errorResponse } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';
import { renderWithClient } from '../render';
import { dispatchedContext, failedDispatchContext, polledContext } from './contexts';

useMswServer();
beforeAll(() => bootstrapAngular());

const executionStage = (context: object, fields: Partial<IExecutionStage> = {}) =>
  ({
    id: '01JH',
    name: 'Deploy',
    type: 'githubWorkflow',
    refId: '1',
    context,
    isRunning: true,
    ...fields,
  }) as unknown as IExecutionStage;

const runRequests = () => requests.filter((path) => path === '/proxies/github/repos/octo-org/app/runs/30433642');

describe('<GithubWorkflowRun />', () => {
  it('shows the run and its jobs', async () => {
    renderWithClient(<GithubWorkflowRun stage={executionStage(polledContext)} />);

    expect(await screen.findByText(/Deploy #562/)).toHaveTextContent('Deploy #562 in octo-org/app');
    expect(screen.getByRole('link', { name: 'View on GitHub' })).toHaveAttribute('href', run.htmlUrl);
    expect(screen.getByText('in progress (1 of 2 jobs done)')).toBeInTheDocument();
    expect(screen.getByText('main')).toBeInTheDocument();
    expect(screen.getByText('acb5820')).toHaveAttribute('title', run.headSha);

    const jobs = await screen.findByRole('table');
    const [build, deploy] = within(jobs).getAllByRole('row').slice(1);
    expect(within(build).getByRole('link', { name: 'build' })).toHaveAttribute(
      'href',
      'https://github.com/octo-org/app/actions/runs/30433642/job/399444496',
    );
    expect(build).toHaveTextContent('completed, success');
    expect(build).toHaveTextContent('00:52');
    expect(deploy).toHaveTextContent('in progress');
  });

  it('reads the run again every few seconds until it completes', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let reads = 0;
      server.use(
        http.get(`${API}/repos/:owner/:repo/runs/:runId`, () =>
          HttpResponse.json(++reads < 2 ? run : { ...run, status: 'completed', conclusion: 'success' }),
        ),
      );
      renderWithClient(<GithubWorkflowRun stage={executionStage(polledContext)} />);
      await screen.findByText(/^in progress/);

      await act(async () => {
        await vi.advanceTimersByTimeAsync(LIVE_REFETCH_MS);
      });
      expect(await screen.findByText('completed, success', { selector: '.github-workflow-run *' })).toBeInTheDocument();

      await act(async () => {
        await vi.advanceTimersByTimeAsync(3 * LIVE_REFETCH_MS);
      });
      expect(runRequests()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the jobs again until they are all done, when the last list read before the run ended was older', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const completed = { ...run, status: 'completed' as const, conclusion: 'success' };
      const done = jobs.map((job) => ({ ...job, status: 'completed' as const, conclusion: 'success' }));
      // At first the backend answers with the list it kept from before the run completed.
      let kept = true;
      let readsAfterDone = 0;
      server.use(
        http.get(`${API}/repos/:owner/:repo/runs/:runId`, () => HttpResponse.json(completed)),
        http.get(`${API}/repos/:owner/:repo/runs/:runId/jobs`, () => {
          if (!kept) readsAfterDone++;
          return HttpResponse.json({ items: kept ? jobs : done });
        }),
      );
      renderWithClient(<GithubWorkflowRun stage={executionStage(polledContext)} />);
      const table = await screen.findByRole('table');
      expect(within(table).getAllByRole('row')[2]).toHaveTextContent('in progress');

      kept = false;
      await act(async () => {
        await vi.advanceTimersByTimeAsync(LIVE_REFETCH_MS);
      });
      await waitFor(() => expect(within(table).getAllByRole('row')[2]).toHaveTextContent('completed, success'));
      await act(async () => {
        await vi.advanceTimersByTimeAsync(3 * LIVE_REFETCH_MS);
      });
      expect(readsAfterDone).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows what the stage context knows when the backend cannot be read', async () => {
    server.use(
      http.get(`${API}/repos/:owner/:repo/runs/:runId`, ({ request }) =>
        errorResponse(502, 'UpstreamError', 'GitHub is unavailable.', request),
      ),
    );
    renderWithClient(<GithubWorkflowRun stage={executionStage(dispatchedContext)} />);

    expect(
      await screen.findByText('Failed to load run 30433642 of octo-org/app: GitHub is unavailable.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Deploy #562/)).toHaveTextContent('Deploy #562 in octo-org/app');
    expect(screen.getByText('queued')).toBeInTheDocument();
    expect(screen.getByText('acb5820')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View on GitHub' })).toHaveAttribute('href', run.htmlUrl);
  });

  it("says why the dispatch failed, in the backend's words", async () => {
    renderWithClient(<GithubWorkflowRun stage={executionStage(failedDispatchContext, { isRunning: false })} />);

    expect(
      screen.getByText(
        'The workflow could not be dispatched: .github/workflows/ci.yml has no workflow_dispatch trigger at main.',
      ),
    ).toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('says Orca is still asking while the backend answers 503 and the stage runs', async () => {
    const retrying = {
      ...failedDispatchContext,
      webhook: {
        statusCodeValue: 503,
        body: {
          error: {
            name: 'RateLimitedError',
            message: 'GitHub accepted the dispatch of ci.yml in octo-org/app, but no run…',
          },
        },
      },
    };
    renderWithClient(<GithubWorkflowRun stage={executionStage(retrying, { isRunning: true })} />);

    expect(screen.getByRole('status')).toHaveTextContent(
      "Still waiting for the workflow run; Orca asks the backend again every 10 seconds for up to 5 minutes. The backend's last answer: GitHub accepted the dispatch of ci.yml",
    );
    expect(screen.queryByText(/could not be dispatched/)).not.toBeInTheDocument();
  });
});

describe('<GithubWorkflowExecutionDetails />', () => {
  afterEach(() => queryClient.clear());

  const sectionProps = (current: string) =>
    ({
      name: GithubWorkflowExecutionDetails.title,
      current,
      stage: executionStage(polledContext),
      application: {},
      execution: {},
      provider: 'aws',
    }) as unknown as React.ComponentProps<typeof GithubWorkflowExecutionDetails>;

  it("is the stage's Workflow Run section, with the plugin's QueryClient", async () => {
    render(<GithubWorkflowExecutionDetails {...sectionProps('workflowRun')} />);

    expect(GithubWorkflowExecutionDetails.title).toBe('workflowRun');
    expect(await screen.findByText(/Deploy #562/)).toBeInTheDocument();
  });

  it('shows nothing while another section is open', () => {
    const { container } = render(<GithubWorkflowExecutionDetails {...sectionProps('taskStatus')} />);

    expect(container).toBeEmptyDOMElement();
  });
});
