import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import React from 'react';

import { FIRST_RANGE, NEXT_RANGE } from '../../src/logs/rangedLog';
import { RunLogs } from '../../src/logs/RunLogs';
import {
  API,
  job,
  jobsHandler,
  jumpingTimers,
  logHandler,
  logRequests,
  renderWithClient,
  serveLog,
  server,
  useBackend,
} from './support';

const TS = '2024-03-14T09:00:10.0000000Z ';
const LINES = 40_000;
const LOG = Array.from({ length: LINES }, (_, i) => `${TS}building module ${i} ✓\n`).join('');

describe('a large completed log', () => {
  useBackend();

  it('shows the first lines from the first range while the rest is still on its way, then the whole log', async () => {
    let releaseRest: () => void = () => {};
    const rest = new Promise<void>((resolve) => {
      releaseRest = resolve;
    });
    server.use(
      jobsHandler([job(3, 'build')]),
      // Every range after the first waits until the test lets it through.
      http.get(`${API}/repos/octo-org/web-app/jobs/3/logs`, async ({ request }) => {
        if (new URL(request.url).searchParams.get('start') !== '0') await rest;
        return serveLog(request, 3, LOG, true);
      }),
    );
    // Polls a minute apart: only reading range after range can bring the rest within the test.
    renderWithClient(
      <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ logMinMs: 60_000, logMaxMs: 60_000 }} />,
    );

    const log = await screen.findByLabelText('Log of build');
    expect(log).toHaveTextContent('building module 0 ✓');
    expect(logRequests[0]).toEqual({ jobId: 3, start: 0, length: FIRST_RANGE });
    releaseRest();

    const bytes = new TextEncoder().encode(LOG).length;
    await waitFor(() => expect(logRequests.at(-1)?.start).toBeGreaterThan(0));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), `module ${LINES - 1} {Enter}`);
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    // One range after another, each from where the last ended, and nothing more once the log is whole.
    const starts = logRequests.map((read) => read.start);
    expect(starts).toEqual([...starts].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(new Set(starts).size).toBe(starts.length);
    expect(logRequests.slice(1).every((read) => read.length === NEXT_RANGE)).toBe(true);
    expect(Math.ceil((bytes - FIRST_RANGE) / NEXT_RANGE) + 1).toBe(logRequests.length);
  });

  it('reads the first range again with backoff once the backend answers again, as a later one', async () => {
    jumpingTimers();
    let failing = true;
    server.use(
      jobsHandler([job(4, 'build')]),
      // The backend's RateLimitedError (503) while GitHub's rate limit holds; any 5xx or Gate's 502/504 alike.
      http.get(`${API}/repos/octo-org/web-app/jobs/4/logs`, ({ request }) =>
        failing
          ? HttpResponse.json(
              {
                error: {
                  name: 'RateLimitedError',
                  message:
                    "GitHub's rate limit stopped us while reading the log of job 4 in octo-org/web-app; try again in 30 s.",
                },
              },
              { status: 503 },
            )
          : serveLog(request, 4, LOG, true),
      ),
    );
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ logMinMs: 20, logMaxMs: 80 }} />);

    expect(await screen.findByRole('alert')).toHaveTextContent('try again in 30 s');
    failing = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await screen.findByLabelText('Log of build')).toHaveTextContent('building module 0 ✓');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  describe('when a later range fails', () => {
    /** The log's first range is served; every later one is answered by `later` while it gives a response. */
    function serveFirstRange(later: () => Response | undefined) {
      server.use(
        jobsHandler([job(4, 'build')]),
        http.get(`${API}/repos/octo-org/web-app/jobs/4/logs`, ({ request }) => {
          if (new URL(request.url).searchParams.get('start') === '0') return serveLog(request, 4, LOG, true);
          return later() ?? serveLog(request, 4, LOG, true);
        }),
      );
    }

    it('shows the lines it has, says the rest is missing, and reads on once the backend answers again', async () => {
      let failing = true;
      serveFirstRange(() =>
        failing
          ? HttpResponse.json(
              { error: { name: 'UpstreamError', message: 'GitHub answered 503 for the log of job 4.' } },
              { status: 502 },
            )
          : undefined,
      );
      renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ logMinMs: 20, logMaxMs: 80 }} />);

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent(/^Only the first \d+ lines of this log could be read so far\./);
      expect(alert).toHaveTextContent('GitHub answered 503 for the log of job 4.');
      expect(screen.getByLabelText('Log of build')).toHaveTextContent('building module 0 ✓');

      failing = false;
      await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
      await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), `module ${LINES - 1} {Enter}`);
      expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    });

    it('stops asking once GitHub says the log is gone, and says so', async () => {
      jumpingTimers();
      let gone = 0;
      serveFirstRange(() => {
        gone++;
        return HttpResponse.json(
          { error: { name: 'GoneError', message: 'The log of job 4 in octo-org/web-app has expired.' } },
          { status: 410 },
        );
      });
      renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ logMinMs: 20, logMaxMs: 80 }} />);

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('GitHub no longer has the log of build');
      expect(screen.getByLabelText('Log of build')).toHaveTextContent('building module 0 ✓');
      // Polls 20 to 80 ms apart would ask hundreds of times in a minute.
      const asked = gone;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(gone).toBe(asked);
    });
  });
});

describe('lines split between ranges', () => {
  useBackend();

  it('joins a CRLF, a ##[group] marker and a multi-byte character cut at the ends of ranges', async () => {
    const [FIRST, NEXT] = [FIRST_RANGE, NEXT_RANGE];
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    let log = '';
    /** Filler lines up to where `line` must start for its byte `cut` to be the first of the next range. */
    const place = (rangeEnd: number, line: string, cut: number) => {
      let gap = rangeEnd - cut - bytes(log);
      for (let i = 0; gap > 0; i++) {
        const size = Math.min(gap, 100);
        const filler = `f${i} `.padEnd(size - 1, 'x').slice(0, size - 1) + '\n';
        log += filler;
        gap -= filler.length;
      }
      expect(bytes(log)).toBe(rangeEnd - cut);
      log += line;
    };
    // The first range ends between the \r and the \n.
    const crlf = `${TS}crlf line\r\n`;
    place(FIRST, crlf, crlf.length - 1);
    // The second ends inside `##[gro`.
    place(FIRST + NEXT, `${TS}##[group]Run npm test\n${TS}inside the group\n${TS}##[endgroup]\n`, TS.length + 6);
    // The third would end after the first byte of a €: the backend ends it before the €.
    place(FIRST + 2 * NEXT, `${TS}price €€€ due\n${TS}##[error]the last line\n`, bytes(`${TS}price `) + 1);

    server.use(jobsHandler([job(6, 'test', { conclusion: 'failure' })]), logHandler(6, log));
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} />);
    const region = await screen.findByLabelText('Log of test');
    await waitFor(() => expect(region).toHaveTextContent('the last line'), { timeout: 10_000 });
    expect(logRequests.map((read) => read.start)).toEqual([0, FIRST, FIRST + NEXT, FIRST + 2 * NEXT - 1]);

    const lineOf = (text: string) => log.split('\n').findIndex((line) => line.includes(text)) + 1;
    const search = screen.getByRole('searchbox', { name: 'Search log' });
    await userEvent.type(search, 'price €€€ due{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    await userEvent.clear(search);
    await userEvent.type(search, 'crlf line{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    expect(region.querySelector(`[data-line="${lineOf('crlf line')}"]`)?.textContent).not.toContain('\r');
    await userEvent.clear(search);
    await userEvent.type(search, 'Run npm test{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    expect(region.querySelector(`[data-line="${lineOf('Run npm test')}"]`)?.textContent).not.toContain('##[group]');
  });
});

describe('a running job that writes a lot and completes between two polls', () => {
  useBackend();

  it('reads every byte once, shows the last line without its newline, and stops', async () => {
    jumpingTimers();
    let whole = `${TS}starting\n`;
    let completed = false;
    server.use(
      jobsHandler(() => [
        job(5, 'deploy', completed ? {} : { status: 'in_progress', conclusion: null, completedAt: null }),
      ]),
      logHandler(
        5,
        () => whole,
        () => completed,
      ),
    );
    renderWithClient(
      <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50, logMinMs: 20, logMaxMs: 80 }} />,
    );
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('starting');

    const many = Array.from({ length: 40_000 }, (_, i) => `${TS}line ${i} ✓\n`).join('');
    whole += many + `${TS}done, no newline`;
    completed = true;
    const region = screen.getByLabelText('Log of deploy');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'done, no newline{Enter}');
    await waitFor(() => expect(screen.getByText('1 of 1')).toBeInTheDocument(), { timeout: 10_000 });
    expect(region).toHaveTextContent('done, no newline');
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search log' }));
    const reads = logRequests.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(logRequests.length).toBe(reads);
    // Each range from where the last ended: the starts only grow.
    const starts = logRequests.map((read) => read.start ?? -1);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'line 39999 ✓{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
  });
});

describe('Download', () => {
  useBackend();

  /** What the browser is asked to save: each link clicked for a download, with its file name and its text. */
  const saved: { name: string; text: Promise<string> }[] = [];
  beforeEach(() => {
    const blobs = new Map<string, Blob>();
    // jsdom has no Blob URLs: these keep each Blob under a URL for the link's click below to read back.
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const reader = new FileReader();
      const text = new Promise<string>((resolve) => (reader.onload = () => resolve(reader.result as string)));
      reader.readAsText(blobs.get(this.href)!);
      saved.push({ name: this.download, text });
    });
  });
  afterEach(() => {
    saved.length = 0;
    vi.restoreAllMocks();
  });

  it('waits for the rest of a large completed log, then saves all of it', async () => {
    let releaseRest = () => {};
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    server.use(
      jobsHandler([job(3, 'build')]),
      http.get(`${API}/repos/octo-org/web-app/jobs/3/logs`, async ({ request }) => {
        if (new URL(request.url).searchParams.get('start') !== '0') await rest;
        return serveLog(request, 3, LOG, true);
      }),
    );
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} />);
    await screen.findByLabelText('Log of build');

    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(screen.getByText('Reading the rest of the log to download it…')).toBeInTheDocument();
    expect(saved).toHaveLength(0);
    releaseRest();

    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('octo-org-web-app-job-3.log');
    expect(await saved[0]!.text).toBe(LOG);
    expect(screen.queryByText('Reading the rest of the log to download it…')).not.toBeInTheDocument();
  });

  it('saves a running job’s log as far as it is written, and says in the name that it is not all', async () => {
    const written = `${TS}deploying\n${TS}waiting for rollout\n`;
    server.use(
      jobsHandler([job(5, 'deploy', { status: 'in_progress', conclusion: null, completedAt: null })]),
      logHandler(5, written, false),
    );
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} />);
    expect(await screen.findByLabelText('Log of deploy')).toHaveTextContent('waiting for rollout');

    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('octo-org-web-app-job-5-partial.log');
    expect(await saved[0]!.text).toBe(written);
  });

  it('saves the part it could read of a log whose later ranges fail, and says so in the name', async () => {
    server.use(
      jobsHandler([job(3, 'build')]),
      http.get(`${API}/repos/octo-org/web-app/jobs/3/logs`, ({ request }) =>
        new URL(request.url).searchParams.get('start') === '0'
          ? serveLog(request, 3, LOG, true)
          : HttpResponse.json({ error: { name: 'UpstreamError', message: 'GitHub failed.' } }, { status: 502 }),
      ),
    );
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ logMinMs: 20, logMaxMs: 80 }} />);
    await screen.findByRole('alert');

    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('octo-org-web-app-job-3-partial.log');
    expect(LOG.startsWith(await saved[0]!.text)).toBe(true);
  });
});
