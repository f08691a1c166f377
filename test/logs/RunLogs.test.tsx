import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import React from 'react';

import { RunLogs } from '../../src/logs/RunLogs';
import { readLogFixture } from './fixtures';
import {
  API,
  job,
  jobsErrorHandler,
  jobsHandler,
  logErrorHandler,
  logHandler,
  logRequests,
  renderWithClient,
  server,
  useBackend,
} from './support';

const TS = '2024-03-14T09:00:10.0000000Z ';
const failedJobLog = readLogFixture('failed-job.log');

/** A log whose error sits deep inside a group, far below the first screen. */
function errorInGroupLog(): string {
  const lines = ['##[group]Run actions/checkout@v4', 'with:', '  fetch-depth: 1', '##[endgroup]'];
  for (let i = 0; i < 400; i++) lines.push(`compiling module ${i}`);
  lines.push('##[group]Run npm test');
  for (let i = 0; i < 100; i++) lines.push(`test ${i} passed`);
  lines.push('##[error]expected 90 to be 81');
  lines.push('##[endgroup]');
  return lines.map((line) => TS + line).join('\n') + '\n';
}

const renderRun = () => renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} height={400} />);
const logRegion = (name: string) => screen.findByLabelText(`Log of ${name}`);
const row = (region: HTMLElement, line: number) => region.querySelector(`[data-line="${line}"]`);

describe('<RunLogs />', () => {
  useBackend();

  it('lists the jobs with their steps and opens the failed job', async () => {
    server.use(
      jobsHandler([job(1, 'lint'), job(2, 'test (20.x)', { conclusion: 'failure' })]),
      logHandler(2, failedJobLog),
    );
    renderRun();

    const lint = await screen.findByRole('button', { name: /lint/ });
    expect(lint).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByRole('button', { name: /test \(20\.x\)/ })).toHaveAttribute('aria-expanded', 'true');
    const steps = screen.getByRole('list', { name: 'Steps of test (20.x)' });
    expect(within(steps).getByText('Run npm test')).toBeInTheDocument();
    expect(within(steps).getAllByRole('img', { name: 'succeeded' })).toHaveLength(3);
    expect(within(steps).getAllByText('4s')).toHaveLength(3);
    expect(screen.getByRole('button', { name: /test \(20\.x\)/ })).toHaveTextContent('1m 25s');
    expect(await logRegion('test (20.x)')).toHaveTextContent('Error: Process completed with exit code 1.');
  });

  it('opens a failed job at its first error, inside its unfolded group', async () => {
    server.use(jobsHandler([job(7, 'test', { conclusion: 'failure' })]), logHandler(7, errorInGroupLog()));
    renderRun();

    const region = await logRegion('test');
    const error = await waitFor(() => {
      const found = row(region, 506);
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    expect(error).toHaveTextContent('Error: expected 90 to be 81');
    expect(error).toHaveClass('ghlv-selected');
    expect(row(region, 500)).toHaveTextContent('test 94 passed');
    expect(row(region, 1)).toBeNull();
  });

  it('loads a job’s log when the user opens it', async () => {
    server.use(
      jobsHandler([job(1, 'lint'), job(2, 'build')]),
      logHandler(1, `${TS}lint ok\n`),
      logHandler(2, `${TS}built\n`),
    );
    renderRun();

    expect(await logRegion('lint')).toHaveTextContent('lint ok');
    await userEvent.click(screen.getByRole('button', { name: /build/ }));
    expect(await logRegion('build')).toHaveTextContent('built');
    expect(screen.queryByLabelText('Log of lint')).not.toBeInTheDocument();
  });

  it('says when GitHub has expired the log', async () => {
    server.use(
      jobsHandler([job(3, 'deploy')]),
      logErrorHandler(3, 410, 'GoneError', 'The log of job 3 in octo-org/web-app has expired.'),
    );
    renderRun();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'GitHub no longer has the log of deploy: logs are kept for a limited time',
    );
  });

  // GitHub answers 404 for many expired logs too, not only 410.
  it.each([
    [
      'has no log to show: expired, deleted or not readable by the App',
      404,
      'NotFoundError',
      'The log of job 3 in octo-org/web-app is not available.',
      "The log of deploy cannot be shown: it may have expired or been deleted, or the GitHub App may not read this repository's Actions logs.",
    ],
    [
      'may not read the log, for the App',
      403,
      'NotAllowedError',
      'The GitHub App may not read the Actions of octo-org/web-app.',
      "The log of deploy cannot be shown: the GitHub App may not read this repository's Actions logs.",
    ],
  ])('says when GitHub %s, with the backend’s reason', async (_when, status, name, reason, shown) => {
    server.use(jobsHandler([job(3, 'deploy')]), logErrorHandler(3, status, name, reason));
    renderRun();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(shown);
    expect(alert).toHaveTextContent(reason);
  });

  it('says a skipped job has no log, without asking for one or blaming the GitHub App', async () => {
    // GitHub answers 404 for the log of a skipped job, and of one cancelled before it started (cli/cli#11311,
    // tuist/tuist#11976).
    const gone =
      'The log of job 9 in octo-org/web-app is not available: the job does not exist, has not started, or its logs were deleted or have expired.';
    server.use(
      jobsHandler([
        job(9, 'deploy-preview', { conclusion: 'skipped', steps: [] }),
        job(10, 'build'),
        job(11, 'notify', { conclusion: 'cancelled', steps: [] }),
      ]),
      logErrorHandler(9, 404, 'NotFoundError', gone),
      logErrorHandler(11, 404, 'NotFoundError', gone.replace('job 9', 'job 11')),
      logHandler(10, `${TS}compiled\n`),
    );
    renderRun();

    // No job failed or runs: the first that ran is open, not the skipped one.
    expect(await logRegion('build')).toHaveTextContent('compiled');
    await userEvent.click(screen.getByRole('button', { name: /deploy-preview/ }));
    expect(screen.getByText('deploy-preview was skipped; it has no log.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /notify/ }));
    expect(screen.getByText('notify was cancelled before it started; it has no log.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(logRequests.map((read) => read.jobId)).toEqual([10]);
  });

  describe('when the answer is a web page (Gate’s login page once the Spinnaker session has ended)', () => {
    const LOGIN_PAGE = '<!doctype html><html><body><form action="/login">Sign in</form></body></html>';

    it.each([
      ['as HTML', () => HttpResponse.html(LOGIN_PAGE)],
      ['as text', () => HttpResponse.text(`\n${LOGIN_PAGE}`)],
    ])('says the session may have ended, for a log served %s', async (_, page) => {
      server.use(jobsHandler([job(4, 'build')]), http.get(`${API}/repos/octo-org/web-app/jobs/4/logs`, page));
      renderRun();

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent(
        'The backend answered with a web page instead of the log of job 4: your Spinnaker session may have ended. Reload the page, or sign in again.',
      );
      expect(alert).not.toHaveTextContent('older than the plugin');
    });

    it('says the session may have ended, for the job list', async () => {
      server.use(http.get(`${API}/repos/octo-org/web-app/runs/42/jobs`, () => HttpResponse.html(LOGIN_PAGE)));
      renderRun();

      expect(await screen.findByRole('alert')).toHaveTextContent(
        'The backend answered with a web page instead of the jobs of run 42: your Spinnaker session may have ended.',
      );
    });

    it('still asks whether the backend is older than the plugin for a text answer without a range', async () => {
      server.use(
        jobsHandler([job(4, 'build')]),
        http.get(`${API}/repos/octo-org/web-app/jobs/4/logs`, () => HttpResponse.text(`${TS}compiled\n`)),
      );
      renderRun();

      expect(await screen.findByRole('alert')).toHaveTextContent(
        "The backend's answer is not a log range: is it older than the plugin?",
      );
    });
  });

  it('shows the backend’s message when the jobs cannot be loaded', async () => {
    server.use(jobsErrorHandler(404, 'The GitHub App is not installed on octo-org/web-app.'));
    renderRun();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to load the jobs of run 42: The GitHub App is not installed on octo-org/web-app.',
    );
  });
});
