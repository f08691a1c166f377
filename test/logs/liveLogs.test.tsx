import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import React from 'react';

import type { PollOptions } from '../../src/logs/backoff';
import { FIRST_RANGE } from '../../src/logs/rangedLog';
import { RunLogs } from '../../src/logs/RunLogs';
import type { JobDto } from '../../src/api/types';
import {
  API,
  job,
  jobsHandler,
  jumpingTimers,
  logHandler,
  logRequests as logReads,
  renderWithClient,
  serveLog,
  server,
  useBackend,
} from './support';

const TS = '2024-03-14T09:00:10.0000000Z ';
// As GitHub writes a step: its `Run …` group holds the script, the output follows it.
const STEPS = [
  '##[group]Run ./deploy.sh',
  '##[endgroup]',
  'deploying web-app',
  'waiting for rollout',
  'rollout complete',
];

/** A job's fields while it runs. */
const RUNNING: Partial<JobDto> = { status: 'in_progress', conclusion: null, completedAt: null };

/** The run's logs, its jobs and its running log polled every few tens of milliseconds. */
const renderLiveRun = () =>
  renderWithClient(
    <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50, logMinMs: 20, logMaxMs: 80 }} />,
  );

describe('live logs', () => {
  useBackend();

  it('appends new lines while the job runs and stops polling once it has completed', async () => {
    // Time runs as usual, and the test can also jump it forward instead of waiting.
    jumpingTimers();
    let logRequests = 0;
    let completed = false;
    server.use(
      jobsHandler(() => [job(5, 'deploy', completed ? {} : RUNNING)]),
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
    renderLiveRun();

    const log = await screen.findByLabelText('Log of deploy');
    expect(log).toHaveTextContent('Run ./deploy.sh');
    await waitFor(() => expect(log).toHaveTextContent('deploying web-app'));
    await waitFor(() => expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('rollout complete'));
    expect(screen.getAllByRole('img', { name: 'in progress' }).length).toBeGreaterThan(0);

    completed = true;
    expect(await screen.findByRole('button', { name: /^succeeded deploy/ })).toBeInTheDocument();
    // The final read of the log after completion, then silence: polling every 20–80 ms would show within a minute.
    await waitFor(() => expect(logRequests).toBeGreaterThan(STEPS.length));
    const settled = logRequests;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(logRequests).toBe(settled);
    expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('rollout complete');
    // The log was read from its start once. Each poll asked for the bytes after those it had, and for its last line
    // again (to see that the log is the same one): from the start of a line, never from before the previous poll's.
    let at = 0;
    const lineStarts = [0, ...STEPS.map((line) => (at += new TextEncoder().encode(TS + line + '\n').length))];
    const starts = logReads.map((read) => read.start ?? -1);
    expect(logReads.filter((read) => read.length === FIRST_RANGE)).toHaveLength(1);
    expect(starts.every((start) => lineStarts.includes(start))).toBe(true);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});

describe('a live log the user follows at its bottom', () => {
  useBackend();
  const renderRun = (poll: PollOptions) =>
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} height={400} poll={poll} />);

  it('follows new last lines while the job runs', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${TS}step output ${i}\n`);
    server.use(
      jobsHandler(() => [job(5, 'deploy', RUNNING)]),
      logHandler(5, () => lines.join(''), false),
    );
    renderRun({ jobsMs: 50, logMinMs: 20, logMaxMs: 20 });
    const region = await screen.findByLabelText('Log of deploy');
    await waitFor(() => expect(region).toHaveTextContent('step output 99'));
    for (let i = 0; i < 6; i++) lines.push(`${TS}final ${i}\n`);
    await waitFor(() => expect(region).toHaveTextContent('final 5'), { timeout: 3000 });
  });

  it('shows the lines the job wrote last, though the job list said it completed before they were read', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${TS}step output ${i}\n`);
    let completed = false;
    server.use(
      jobsHandler(() => [job(5, 'deploy', completed ? {} : RUNNING)]),
      logHandler(
        5,
        () => lines.join(''),
        () => completed,
      ),
    );
    // The log is quiet for a while before the job ends: its poll has backed off (here to a minute).
    renderRun({ jobsMs: 50, logMinMs: 60_000, logMaxMs: 60_000 });
    const region = await screen.findByLabelText('Log of deploy');
    await waitFor(() => expect(region).toHaveTextContent('step output 99'));

    // The job writes its last lines and completes; the job list says so before the log is read again.
    lines.push(
      `${TS}##[group]Run npm run deploy\n`,
      `${TS}##[endgroup]\n`,
      `${TS}rollout failed: 2 of 3 pods crashed\n`,
      `${TS}##[error]Process completed with exit code 1.\n`,
      `${TS}Post job cleanup.\n`,
      `${TS}Cleaning up orphan processes\n`,
    );
    completed = true;
    await waitFor(() => expect(logReads.at(-1)?.start).toBeGreaterThan(0));
    await waitFor(() => expect(region).toHaveTextContent('Cleaning up orphan processes'), { timeout: 3000 });
  });
  it('reads a job’s log again soon once the job list says it ended, not after the minute its poll had backed off to', async () => {
    jumpingTimers();
    const lines = Array.from({ length: 100 }, (_, i) => `${TS}step output ${i}\n`);
    let completed = false;
    let readsSinceEnd = 0;
    server.use(
      jobsHandler(() => [job(5, 'deploy', completed ? {} : RUNNING)]),
      logHandler(
        5,
        () => {
          if (completed) readsSinceEnd++;
          // The backend has the last lines from its second read after the end on (it had put its refresh off).
          return readsSinceEnd >= 2
            ? `${lines.join('')}${TS}##[error]Process completed with exit code 1.\n`
            : lines.join('');
        },
        () => readsSinceEnd >= 2,
      ),
    );
    renderRun({ jobsMs: 1_000, logMinMs: 20, logMaxMs: 60_000 });
    const region = await screen.findByLabelText('Log of deploy');
    await waitFor(() => expect(region).toHaveTextContent('step output 99'));
    // Nothing new for two minutes: the log's poll has backed off to a minute.
    await vi.advanceTimersByTimeAsync(120_000);

    completed = true;
    await waitFor(() => expect(readsSinceEnd).toBeGreaterThanOrEqual(1));
    await waitFor(() => expect(region).toHaveTextContent('Process completed with exit code 1.'), { timeout: 3000 });
  });

  it('stops waiting for lines once the completed job’s log can no longer be read', async () => {
    let completed = false;
    server.use(
      jobsHandler(() => [job(5, 'deploy', completed ? {} : RUNNING)]),
      http.get(`${API}/repos/octo-org/web-app/jobs/5/logs`, ({ request }) =>
        completed
          ? HttpResponse.json({ error: { name: 'GoneError', message: 'expired' } }, { status: 404 })
          : serveLog(request, 5, '', false),
      ),
    );
    renderRun({ jobsMs: 50, logMinMs: 20, logMaxMs: 20 });
    const region = await screen.findByLabelText('Log of deploy');
    expect(region).toHaveTextContent('Waiting for the job to write its log…');

    // The job completes, and its logs are deleted before the final read.
    completed = true;
    expect(await screen.findByRole('alert')).toHaveTextContent(/expired|deleted/);
    expect(screen.getByLabelText('Log of deploy')).not.toHaveTextContent('Waiting for the job');
  });
});

describe('a running job’s log that GitHub replaced by another', () => {
  useBackend();

  /** Shows a running job's log of 30 lines; the function it answers makes the backend's copy `lines` other lines. */
  async function showLogToBeReplaced(): Promise<(lines: string[]) => void> {
    let whole = Array.from({ length: 30 }, (_, i) => `${TS}old line ${i}\n`).join('');
    server.use(
      jobsHandler([job(5, 'deploy', RUNNING)]),
      logHandler(5, () => whole, false),
    );
    renderLiveRun();
    await waitFor(() => expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('old line 29'));
    return (lines) => (whole = lines.map((line) => `${TS}${line}\n`).join(''));
  }

  // Shorter: the job was re-run, and the next read from where the viewer was is past the end (416). Longer: GitHub
  // wrote the log anew, or the poll reached a replica whose copy differs; the bytes from there on are another log's,
  // whose lines, of other lengths than the old ones, would be cut where they were joined to the old log.
  it.each([
    ['shorter', ['new line 0', 'new line 1']],
    ['longer', Array.from({ length: 45 }, (_, i) => `re-run ${i}: ${'x'.repeat(i % 7)}`)],
  ])('shows the new %s log, and forgets the line the user selected in the old one', async (_length, lines) => {
    const user = userEvent.setup();
    const replace = await showLogToBeReplaced();
    await user.click(within(screen.getByLabelText('Log of deploy')).getByRole('button', { name: 'Line 25' }));
    expect(screen.getByRole('button', { name: 'Copy line' })).toBeInTheDocument();

    replace(lines);
    await waitFor(() => expect(screen.getByLabelText('Log of deploy')).toHaveTextContent(lines.at(-1)!));
    expect(screen.getByLabelText('Log of deploy')).not.toHaveTextContent('old line');
    // Read again from its start.
    expect(logReads.filter((read) => read.start === 0)).toHaveLength(2);
    // Line 25 is not selected in the new log: nothing is, and Copy copies the new log, every line once.
    await user.click(screen.getByRole('button', { name: 'Copy log' }));
    expect(await navigator.clipboard.readText()).toBe(lines.join('\n'));
  });

  it.each([
    ['the search box', () => screen.getByRole('searchbox', { name: 'Search log' })],
    ['the log', () => screen.getByRole('region', { name: 'Log of deploy' })],
  ])('keeps the keyboard in %s when GitHub replaces the log', async (_where, control) => {
    const replace = await showLogToBeReplaced();
    control().focus();

    replace(['new line 0', 'new line 1']);
    await waitFor(() => expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('new line 1'));

    // Not sent back to the top of the page: the same control of the new viewer has it.
    await waitFor(() => expect(document.activeElement).toBe(control()));
  });
});

describe('switching jobs while their logs load, and closing a running one', () => {
  useBackend();

  it('shows each job its own log, and stops reading the log of a running job the user closed', async () => {
    // react-query hands its last notices to the previous test's components a timer later (setTimeout 0), when React 16
    // warns that they are gone: they arrive before the spy, which is for this test's components.
    await new Promise((resolve) => setTimeout(resolve, 0));
    jumpingTimers();
    const errors = vi.spyOn(console, 'error');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const reads = { 1: 0, 2: 0 };
    server.use(
      jobsHandler([job(1, 'build'), job(2, 'deploy', RUNNING)]),
      http.get(`${API}/repos/octo-org/web-app/jobs/1/logs`, async ({ request }) => {
        reads[1]++;
        await held;
        return serveLog(request, 1, `${TS}compiled build\n`, true);
      }),
      http.get(`${API}/repos/octo-org/web-app/jobs/2/logs`, ({ request }) => {
        reads[2]++;
        return serveLog(request, 2, `${TS}deploying\n`, false);
      }),
    );
    renderLiveRun();
    // deploy (running) is open first; the user opens build, whose log is slow, then deploy again, then build.
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('deploying');
    await userEvent.click(screen.getByRole('button', { name: /build/ }));
    expect(screen.getByText('Loading the log of build…')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /deploy/ }));
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('deploying');
    release();
    await userEvent.click(screen.getByRole('button', { name: /build/ }));
    expect(await screen.findByLabelText('Log of build')).toHaveTextContent('compiled build');
    expect(screen.queryByLabelText('Log of deploy')).not.toBeInTheDocument();

    // deploy is closed: its log, read every 80 ms at most while open, is not read any more. (Two seconds: the job list
    // is still read every 50 ms, and a minute of that takes seconds of the test's own time.)
    const deployReads = reads[2];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(reads[2]).toBe(deployReads);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('says a completed job’s empty log is empty, and a running job’s that it waits', async () => {
    server.use(
      jobsHandler([job(1, 'noop'), job(2, 'deploy', RUNNING)]),
      logHandler(1, '', true),
      logHandler(2, '', false),
    );
    renderLiveRun();
    expect(await screen.findByText('Waiting for the job to write its log…')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /noop/ }));
    expect(await screen.findByText('The log is empty.')).toBeInTheDocument();
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
    renderLiveRun();

    expect(await screen.findByText('deploy is queued; its log appears here once it starts.')).toBeInTheDocument();
    // Several polls of the job list go by without a request for its log.
    await waitFor(() => expect(jobsRequests).toBeGreaterThan(3));
    expect(logRequests).toBe(0);

    status = 'in_progress';
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('deploying web-app');
    expect(logRequests).toBeGreaterThan(0);
  });
});

describe('a job that has started but written no log yet', () => {
  useBackend();

  it('says its log comes once written, and shows it when it is', async () => {
    let written = false;
    server.use(
      jobsHandler([job(8, 'deploy', RUNNING)]),
      // GitHub has no log for a job until its runner writes one: 404 until then.
      http.get(`${API}/repos/octo-org/web-app/jobs/8/logs`, ({ request }) =>
        written
          ? serveLog(request, 8, `${TS}deploying web-app\n`, false)
          : HttpResponse.json(
              { error: { name: 'NotFoundError', message: 'The log of job 8 in octo-org/web-app is not available.' } },
              { status: 404 },
            ),
      ),
    );
    renderLiveRun();

    expect(await screen.findByRole('status')).toHaveTextContent(
      'The log of deploy is not available yet; it appears here once the job starts writing it.',
    );
    written = true;
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('deploying web-app');
  });
});

describe('the job list of a run', () => {
  useBackend();

  /** Serves `jobs()` as the run's jobs and counts the reads. */
  function serveJobs(jobs: () => JobDto[]) {
    const served = { reads: 0 };
    server.use(
      jobsHandler(() => {
        served.reads++;
        return jobs();
      }),
      logHandler(5, `${TS}deploying web-app\n`),
      logHandler(6, `${TS}smoke tests passed\n`),
    );
    return served;
  }

  it('is read again while it is empty, and shows the jobs once GitHub has made them', async () => {
    let jobs: JobDto[] = [];
    serveJobs(() => jobs);
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50 }} />);

    expect(await screen.findByText('Run 42 has no jobs yet.')).toBeInTheDocument();
    jobs = [job(5, 'deploy')];
    expect(await screen.findByRole('button', { name: /deploy/ })).toBeInTheDocument();
  });

  it('is read again while the run is in progress, though every job listed has completed', async () => {
    // A job that an earlier one's outputs make (a matrix) is added once that one is done.
    let jobs = [job(5, 'deploy')];
    serveJobs(() => jobs);
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} runLive poll={{ jobsMs: 50 }} />);

    expect(await screen.findByRole('button', { name: /deploy/ })).toBeInTheDocument();
    jobs = [...jobs, job(6, 'smoke-test', { status: 'queued', conclusion: null, completedAt: null })];
    expect(await screen.findByRole('button', { name: /smoke-test/ })).toBeInTheDocument();
  });

  it('leaves the open log, and what the user did in it, in place when one read of the list fails', async () => {
    let failures = 0;
    server.use(
      http.get(`${API}/repos/octo-org/web-app/runs/42/jobs`, () => {
        if (failures === 0) {
          return HttpResponse.json({
            items: [job(5, 'deploy', RUNNING)],
          });
        }
        failures--;
        return HttpResponse.json(
          { error: { name: 'UpstreamError', message: 'GitHub answered 502.' } },
          { status: 502 },
        );
      }),
      logHandler(5, `${TS}deploying web-app\n${TS}waiting for rollout\n`, false),
    );
    renderLiveRun();
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('waiting for rollout');
    const search = screen.getByRole('searchbox', { name: 'Search log' });
    await userEvent.type(search, 'rollout{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();

    // One read of the job list fails (Gate's 502 for a GitHub hiccup); the next one succeeds.
    failures = 1;
    const note = await screen.findByText(/^Could not refresh the jobs; they are shown as last read\./);
    expect(note).toHaveAttribute('role', 'status');
    expect(note).toHaveTextContent('GitHub answered 502.');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // The same search box, never remounted, with the user's search and its match.
    expect(search).toBeInTheDocument();
    expect(search).toHaveValue('rollout');
    expect(screen.getByText('1 of 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Log of deploy')).toHaveTextContent('waiting for rollout');

    // The next read succeeds: the note goes, and the log stays as the user left it.
    await waitFor(() => expect(note).not.toBeInTheDocument());
    expect(search).toBeInTheDocument();
    expect(screen.getByText('1 of 1')).toBeInTheDocument();
  });

  it('says when a finished run had no jobs, and reads the list no more', async () => {
    jumpingTimers();
    const served = serveJobs(() => []);
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} runLive={false} poll={{ jobsMs: 50 }} />);

    expect(await screen.findByText('Run 42 ended without jobs; its page on GitHub says why.')).toBeInTheDocument();
    // Reads 50 ms apart would be over a thousand in a minute.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(served.reads).toBe(1);
  });
});

describe('a running job’s log the backend reads less often', () => {
  useBackend();

  it('says how old its lines are while the backend’s copy is behind, and no more once it catches up', async () => {
    jumpingTimers();
    // Refreshes put off: every answer brings the copy the backend read from GitHub 40 s before the log was opened.
    let readAt = Date.now() - 40_000;
    let lines = 1;
    server.use(
      jobsHandler([job(5, 'deploy', RUNNING)]),
      logHandler(
        5,
        () =>
          STEPS.slice(0, lines)
            .map((line) => TS + line + '\n')
            .join(''),
        false,
        () => Date.now() - readAt,
      ),
    );
    renderLiveRun();
    const log = await screen.findByLabelText('Log of deploy');
    expect(log).toHaveTextContent('Run ./deploy.sh');
    const note = () => screen.queryByText(/^Lines as of/);

    await waitFor(() => expect(note()).toBeInTheDocument());
    // The time the backend read its copy, in the user's locale (a second either side: the answer took some ms).
    const times = [-1_000, 0, 1_000].map((ms) => `Lines as of ${new Date(readAt + ms).toLocaleTimeString()}:`);
    expect(times.some((text) => note()!.textContent!.startsWith(text))).toBe(true);
    expect(note()).toHaveAttribute('role', 'status');

    // The backend reads GitHub again: the new lines come, and the note goes.
    readAt = Date.now();
    lines = 3;
    await waitFor(() => expect(log).toHaveTextContent('deploying web-app'));
    await waitFor(() => expect(note()).toBeNull());
  });
  it('says nothing of the age while polls also reach a replica whose copy is fresh', async () => {
    let poll = 0;
    server.use(
      jobsHandler([job(5, 'deploy', RUNNING)]),
      // Two replicas take turns, one with refreshes put off; from the seventh poll on only that one answers.
      logHandler(
        5,
        () => TS + STEPS[0] + '\n',
        false,
        () => (poll++ % 2 === 1 || poll > 6 ? 40_000 : 0),
      ),
    );
    renderLiveRun();
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('Run ./deploy.sh');

    await waitFor(() => expect(poll).toBeGreaterThan(10));

    // The lines shown came from the fresh copy a moment ago.
    expect(screen.queryByText(/^Lines as of/)).toBeNull();
  });
});

describe('a running job’s log served by backend replicas that read GitHub at different moments', () => {
  useBackend();

  const LINE = 100;
  it.each([
    ['part of the last line', 20],
    ['exactly the last line', LINE],
    ['more than the last line', LINE + 10],
  ])(
    'shows every line once, read from its start once, when a poll reaches a replica %s behind',
    async (_case, behindBy) => {
      const lines = Array.from({ length: 8 }, (_, i) => `${TS}step ${i} `.padEnd(LINE - 1, '.') + '\n');
      let written = 6;
      // Two replicas take turns answering; the second's copy was read from GitHub before the first's last refresh.
      let poll = 0;
      server.use(
        jobsHandler([job(5, 'deploy', RUNNING)]),
        http.get(`${API}/repos/octo-org/web-app/jobs/5/logs`, ({ request }) => {
          const whole = lines.slice(0, written).join('');
          const copy = poll++ % 2 === 1 ? whole.slice(0, whole.length - behindBy) : whole;
          const start = Number(new URL(request.url).searchParams.get('start'));
          // The backend tells a client past the end of its copy that nothing follows yet (jobLogCache.ts).
          if (start > copy.length) {
            logReads.push({ jobId: 5, start, length: null });
            return HttpResponse.text(`#log start=${start} end=${start} size=${start} complete=false age=1000\n`);
          }
          return serveLog(request, 5, copy, false);
        }),
      );
      renderLiveRun();
      const log = await screen.findByLabelText('Log of deploy');
      await waitFor(() => expect(log).toHaveTextContent('step 5'));
      // Several polls, on both replicas, before the job writes on.
      await waitFor(() => expect(poll).toBeGreaterThan(6));
      written = 8;
      await waitFor(() => expect(log).toHaveTextContent('step 6'));
      // The replica that is behind has caught up too.
      await waitFor(() => expect(poll).toBeGreaterThan(12));

      const user = userEvent.setup();
      await user.click(screen.getByRole('button', { name: 'Copy log' }));
      expect(await navigator.clipboard.readText()).toBe(lines.map((line) => line.slice(TS.length, -1)).join('\n'));
      expect(logReads.filter((read) => read.start === 0)).toHaveLength(1);
    },
  );
});
