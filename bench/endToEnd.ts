/**
 * `npm run bench:logs -- --e2e`: job logs as a user gets them. The simulated GitHub (sandbox/githubEmulator.ts, over
 * HTTP) → the real backend (backend/src/server.ts in its own process, its log cache on disk) → a proxy that buffers
 * each answer whole and passes only Content-Type, as Gate's does (e2e/gateProxy.ts) → clients reading ranges as the
 * viewer does (src/logs/rangedLog.ts). Options: `--lines 1000000` (the completed log), `--running-mb 50`,
 * `--viewers 50`, `--viewer-mb 16` (how much of the log each of them reads), `--polls 3`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startGithubEmulator } from '../sandbox/githubEmulator';
import { parseLogRange } from '../src/logs/logRange';
import { RangedLog } from '../src/logs/rangedLog';
import { startBackendProcess } from './e2e/backendProcess';
import { startGateProxy } from './e2e/gateProxy';
import { syntheticLog } from './syntheticLog';

const REFRESH_MS = 2_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

export async function endToEnd(root: string): Promise<void> {
  const lines = option('lines', 1_000_000);
  const runningBytes = option('running-mb', 50) * 1e6;
  const viewers = option('viewers', 50);
  const viewerBytes = option('viewer-mb', 16) * 1e6;
  const polls = option('polls', 3);
  const dir = mkdtempSync(join(tmpdir(), 'log-bench-e2e-'));
  const downloads = new Map<string, number>();
  let logBytes = 0;
  const github = await startGithubEmulator({
    onRequest: (request) => {
      if (request.host !== 'logs') return;
      downloads.set(request.path, (downloads.get(request.path) ?? 0) + 1);
      logBytes += request.bytes ?? 0;
    },
  });
  const totalDownloads = () => [...downloads.values()].reduce((sum, count) => sum + count, 0);
  let backendUrl = '';
  const gate = await startGateProxy(() => backendUrl);

  const completedLog = syntheticLog(lines);
  const bytesPerLine = Buffer.byteLength(completedLog) / lines;
  const runningLog = syntheticLog(Math.round(runningBytes / bytesPerLine), 2);
  const sim = github.sim;
  const addJob = (status: 'completed' | 'in_progress', log: string) => {
    const run = sim.addRun({
      owner: 'octo-org',
      repo: 'hello-world',
      workflow: 'ci.yml',
      status,
      conclusion: status === 'completed' ? 'failure' : null,
      jobs: [{ name: 'build', log }],
    });
    return sim.runs.get(Number(run.id))!.jobIds[0]!;
  };
  // Two completed jobs with the same log: one for a lone viewer, one for the crowd, each met with a cold cache.
  const single = addJob('completed', completedLog);
  const crowd = addJob('completed', completedLog);
  const runningJob = addJob('in_progress', runningLog);

  const backend = await startBackendProcess(root, {
    GITHUB_APP_ID: String(sim.app.id),
    GITHUB_APP_PRIVATE_KEY: sim.app.privateKey,
    GITHUB_WEBHOOK_SECRET: 'log-bench-webhook-secret',
    GITHUB_API_URL: github.url,
    GATE_URL: gate.url,
    SPINNAKER_UI_URL: 'http://127.0.0.1:9000',
    STAGE_SECRET: 'log-bench-stage-secret-0123456789',
    DATABASE_FILE: join(dir, 'bench.db'),
    LOG_CACHE_DIR: join(dir, 'logs'),
    LOG_REFRESH_MS: String(REFRESH_MS),
  });
  backendUrl = backend.url;
  const jobUrl = (jobId: number, start: number, length: number) =>
    `${gate.url}/proxies/github/repos/octo-org/hello-world/jobs/${jobId}/logs?start=${start}&length=${length}`;
  const read = async (jobId: number, start: number, length: number) => {
    // Like the browser, which sends an idempotent request again when a reused connection turns out closed.
    const response = await fetch(jobUrl(jobId, start, length)).catch(() => fetch(jobUrl(jobId, start, length)));
    const body = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${new TextDecoder().decode(body.slice(0, 300))}`);
    return { range: parseLogRange(new TextDecoder().decode(body)), bytes: body.length };
  };
  /** A viewer opening the log: ms to its first lines parsed, then (if `whole`) ms to every byte read. */
  const view = async (jobId: number, whole: boolean, upTo = Infinity) => {
    const started = performance.now();
    const log = new RangedLog();
    const first = log.add((await read(jobId, 0, log.nextRange().length)).range);
    const firstLines = performance.now() - started;
    if (first.lineCount === 0) throw new Error('the first range has no lines');
    let { offset, size } = first;
    let ranges = 1;
    // The rest is only counted, not parsed: 50 parsed copies of a 124 MB log would not fit in this process.
    while (whole && offset < Math.min(size, upTo)) {
      const { range } = await read(jobId, offset, 2 * 1024 * 1024);
      ({ end: offset, size } = range);
      ranges++;
    }
    return { firstLines, whole: performance.now() - started, ranges, size, read: offset };
  };

  try {
    // Warm-up: the backend loads its modules and mints a token on a small read.
    await fetch(`${gate.url}/proxies/github/repos/octo-org/hello-world/branches`);
    console.log(`End to end: ${lines.toLocaleString('en')} lines (${mb(Buffer.byteLength(completedLog))})\n`);
    console.log('| measure | result |\n| --- | --- |');
    const report = (what: string, result: string) => console.log(`| ${what} | ${result} |`);

    const cold = await view(single, false);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await view(single, false)).firstLines);
    const whole = await view(single, true);
    report('first lines, cache cold (includes the one GitHub download)', ms(cold.firstLines));
    report('first lines, log on the backend (median of 5 viewers)', ms(median(warm)));
    report(`whole log, ${whole.ranges} ranges, log on the backend`, ms(whole.whole));
    report('GitHub downloads for these 7 viewers', String(totalDownloads()));

    const before = totalDownloads();
    const baseline = backend.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, backend.rss())), 20);
    const crowdStarted = performance.now();
    const seen = await Promise.all(Array.from({ length: viewers }, () => view(crowd, true, viewerBytes)));
    const crowdMs = performance.now() - crowdStarted;
    clearInterval(sampler);
    peak = Math.max(peak, backend.rss());
    const firsts = seen.map((entry) => entry.firstLines);
    report(
      `${viewers} viewers at once, cache cold: first lines (median / max)`,
      `${ms(median(firsts))} / ${ms(Math.max(...firsts))}`,
    );
    const crowdBytes = seen.reduce((sum, entry) => sum + entry.read, 0);
    report(`${viewers} viewers at once: ${mb(crowdBytes)} read in all`, ms(crowdMs));
    report(`${viewers} viewers: GitHub downloads`, String(totalDownloads() - before));
    report(
      `${viewers} viewers: backend RSS growth (before → peak)`,
      `${mb(peak - baseline)} (${mb(baseline)} → ${mb(peak)})`,
    );

    // Live tail: a viewer that has the whole running log asks from the start of its last line (to see it is the same).
    const tail = new RangedLog();
    // The range the viewer asks for next, as it asks for it.
    const readNext = () => {
      const { start, length } = tail.nextRange();
      return read(runningJob, start, length);
    };
    let snapshot = tail.add((await readNext()).range);
    while (snapshot.offset < snapshot.size) snapshot = tail.add((await readNext()).range);
    let text = runningLog;
    for (let poll = 1; poll <= polls; poll++) {
      const added = syntheticLog(20, 100 + poll).replace('\ufeff', '');
      text += added;
      sim.setJobLog(runningJob, text);
      await sleep(REFRESH_MS + 100);
      const downloadsBefore = totalDownloads();
      const githubBefore = logBytes;
      const pollStarted = performance.now();
      const { range, bytes } = await readNext();
      const pollMs = performance.now() - pollStarted;
      tail.add(range);
      report(
        `live-tail poll ${poll} of a ${mb(Buffer.byteLength(runningLog))} running log`,
        `${bytes} bytes through the proxy: ${range.end - range.start} of the log (${Buffer.byteLength(added)} appended, and the last line again) + ${bytes - (range.end - range.start)} header; ${totalDownloads() - downloadsBefore} GitHub download of ${logBytes - githubBefore} bytes; ${ms(pollMs)}`,
      );
    }

    console.log(`\nLargest answer through the proxy: ${mb(Math.max(...gate.sent))}`);
  } catch (error) {
    console.error(`The backend said:\n${backend.errors()}`);
    throw error;
  } finally {
    await backend.stop();
    await gate.close();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
