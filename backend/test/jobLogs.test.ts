import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { JobLogCache, type JobLogCacheOptions, type LogSlice } from '../src/github/jobLogCache.js';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { appFor, useTempStore } from './support/app.js';
import { TestClock } from './support/clock.js';
import { ranged } from './support/logRange.js';

const sim = useGithubSimulator();
const temp = useTempStore();
const { jobs, runs } = SEED.repos['octo-org/hello-world'];
const REPO = '/api/repos/octo-org/hello-world';
const root = mkdtempSync(join(tmpdir(), 'job-log-cache-test-'));
const caches: JobLogCache[] = [];

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** One app, as one backend replica, whose log cache lives in its own directory under `root` unless given `dir`. */
function backend(options: JobLogCacheOptions = {}, dir = mkdtempSync(join(root, 'replica-'))) {
  const clock = new TestClock();
  const app = appFor(sim, temp.store, {}, undefined, undefined, undefined, {
    logs: (github) => {
      // `/metrics` as the server registers them: the installation's rate limit, and the refreshes put off.
      if (options.registry) github.requestBudgets.register(options.registry);
      const cache = new JobLogCache(github, { dir, clock, ...options });
      caches.push(cache);
      return cache;
    },
  });
  return { app, clock, dir };
}

const downloads = () => sim.requests.filter((r) => r.host === 'logs').length;
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length;

const read = (app: ReturnType<typeof backend>['app'], job: number, query = 'start=0') =>
  request(app).get(`${REPO}/jobs/${job}/logs?${query}`);

/** A range's `age` in whole seconds: the test clock is the system's plus what a test moved it, so a few ms pass. */
const inSeconds = ({ age, ...range }: ReturnType<typeof ranged>) => ({
  ...range,
  age: age === undefined ? undefined : Math.floor(age / 1000),
});

const bigLog = (lines: number) =>
  `${Array.from({ length: lines }, (_, i) => `2024-01-01T00:00:00.0000000Z line ${i} ✓ done`).join('\n')}\n`;

describe('GET /api/repos/:owner/:repo/jobs/:jobId/logs?start=&length=', () => {
  it('serves a completed log in ranges that join up to the whole log, each saying the size and that it is complete', async () => {
    const log = bigLog(100_000);
    sim.setJobLog(jobs.successBuild, log);
    const { app } = backend();

    const parts: string[] = [];
    let start = 0;
    for (;;) {
      const part = ranged(await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=${start}`).expect(200));
      expect(part).toMatchObject({ start, size: Buffer.byteLength(log), complete: true });
      expect(part.end - part.start).toBeLessThanOrEqual(2 * 1024 * 1024);
      parts.push(part.text);
      if (part.end === part.size) break;
      start = part.end;
    }

    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe(log);
    expect(downloads()).toBe(1);
  });

  it('ends a range before a character it would split, so that each range decodes on its own', async () => {
    sim.setJobLog(jobs.successBuild, 'ab✓cd\n');
    const { app } = backend();

    const first = ranged(await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0&length=3`).expect(200));
    const rest = ranged(
      await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=${first.end}`).expect(200),
    );

    expect(first).toMatchObject({ start: 0, end: 2, text: 'ab' });
    expect(rest).toMatchObject({ start: 2, end: 8, size: 8, text: '✓cd\n' });
  });

  it('answers an empty range at the end of the log, and 416 past it', async () => {
    sim.setJobLog(jobs.successBuild, 'one\n');
    const { app } = backend();

    const atEnd = ranged(await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=4`).expect(200));
    const past = await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=5`).expect(416);

    expect(atEnd).toMatchObject({ start: 4, end: 4, size: 4, complete: true, text: '' });
    expect(past.body.error.message).toMatch(/has 4 bytes; it cannot be read from byte 5/);
  });

  it.each([
    ['a length over 2 MiB', 'start=0&length=3000000', /query.length must be at most 2097152/],
    ['a negative start', 'start=-1', /query.start must be 0 or more/],
    ['a start that is not a number', 'start=abc', /query.start must be a number of bytes, in digits/],
    ['an empty start', 'start=&length=10', /query.start must be a number of bytes, in digits/],
    ['a start in hexadecimal', 'start=0x10', /query.start must be a number of bytes, in digits/],
    ['a length in exponent notation', 'start=0&length=1e3', /query.length must be a number of bytes, in digits/],
    ['a start given twice', 'start=0&start=10', /query.start must be given once/],
  ])('refuses %s with 400', async (_name, query, message) => {
    const { app } = backend();

    const res = await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?${query}`).expect(400);

    expect(res.body.error.message).toMatch(message);
    expect(downloads()).toBe(0);
  });
});

describe('job logs on disk', () => {
  it('downloads a completed job log once for 50 concurrent viewers', async () => {
    sim.setJobLog(jobs.successBuild, bigLog(20_000));
    const { app } = backend();

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`)),
    );

    expect(answers.map((res) => res.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((res) => res.text)).size).toBe(1);
    expect(downloads()).toBe(1);
  });

  it("serves a completed log's first range while the rest is still downloading, and the rest once it has arrived", async () => {
    const log = bigLog(50_000);
    const bytes = Buffer.from(log);
    sim.setJobLog(jobs.successBuild, log);
    const release = sim.holdJobLog(jobs.successBuild, 100_000);
    const { app } = backend();

    try {
      let first: ReturnType<typeof ranged> | undefined;
      void request(app)
        .get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0&length=65536`)
        .then((res) => (first = ranged(res)));
      await vi.waitFor(() => expect(first).toBeDefined(), { timeout: 5_000, interval: 20 });
      expect(first).toMatchObject({ start: 0, size: bytes.length, complete: true });
      expect(first!.end).toBeGreaterThan(65_000);
      expect(first!.text).toBe(bytes.subarray(0, first!.end).toString());
    } finally {
      release();
    }
    const rest = ranged(await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=65536`).expect(200));

    expect(rest).toMatchObject({ start: 65_536, size: bytes.length, complete: true });
    expect(rest.text).toBe(bytes.subarray(65_536, rest.end).toString());
    expect(downloads()).toBe(1);
  });

  it("reads a running job's log again at most once per interval, and serves only the bytes after the client's offset", async () => {
    const { app, clock } = backend({ refreshMs: 5_000 });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');

    const first = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200));
    sim.setJobLog(job, 'first line\nsecond line\n');
    clock.advance(4_000);
    const sameWindow = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=${first.end}`).expect(200));
    clock.advance(1_000);
    const afterInterval = await Promise.all(
      Array.from({ length: 5 }, () => request(app).get(`${REPO}/jobs/${job}/logs?start=${first.end}`)),
    );

    expect(first).toMatchObject({ start: 0, end: 11, complete: false, text: 'first line\n' });
    // Each answer says how long ago its bytes were read from GitHub.
    expect(inSeconds(sameWindow)).toMatchObject({ start: 11, end: 11, size: 11, text: '', age: 4 });
    expect(afterInterval.map((res) => inSeconds(ranged(res)))).toEqual(
      Array(5).fill({ start: 11, end: 23, size: 23, complete: false, age: 0, text: 'second line\n' }),
    );
    expect(downloads()).toBe(2);
  });

  it("serves a running job's log up to its last whole character while GitHub's copy ends inside one", async () => {
    const { app, clock } = backend({ refreshMs: 1_000 });
    const job = jobs.inProgressDeploy;
    const log = 'first line\nbuilt ✓\n';
    const whole = Buffer.byteLength('first line\nbuilt ');
    // The runner has written two of the three bytes of ✓ when the backend reads the log.
    sim.setJobLog(job, log, { written: whole + 2 });

    const first = ranged(await read(app, job).expect(200));
    const sameCopy = ranged(await read(app, job, `start=${first.end}`).expect(200));
    sim.setJobLog(job, log);
    clock.advance(1_000);
    const rest = ranged(await read(app, job, `start=${first.end}`).expect(200));

    // Before, the viewer decoded each range on its own and showed "built \uFFFD\uFFFD" for good.
    expect(first).toMatchObject({ start: 0, end: whole, size: whole, complete: false, text: 'first line\nbuilt ' });
    expect(sameCopy).toMatchObject({ start: whole, end: whole, size: whole, text: '' });
    expect(rest).toMatchObject({ start: whole, end: Buffer.byteLength(log), text: '✓\n' });
  });

  it("never says a running job's log was read in the future after the system clock is set back", async () => {
    const { app, clock } = backend({ refreshMs: 5_000 });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');
    await read(app, job).expect(200);
    // NTP steps the wall clock back a second: the copy just read is still fresh, and was read a moment ago.
    clock.advance(-1_000);
    const again = await read(app, job).expect(200);

    // The viewer refuses a range whose first line holds a negative number, and would say the log cannot be read.
    expect(again.text.slice(0, again.text.indexOf('\n'))).toMatch(/ age=0$/);
    expect(ranged(again)).toMatchObject({ text: 'first line\n', complete: false, age: 0 });
  });

  it("asks GitHub's log host only for the bytes a running job's log added since the last download", async () => {
    const { app, clock } = backend({ refreshMs: 1_000 });
    const job = jobs.inProgressDeploy;
    const before = bigLog(2_000);
    const added = '2024-01-01T00:00:01.0000000Z one more line ✓\n';
    const size = Buffer.byteLength(before);
    sim.setJobLog(job, before);
    await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200);
    sim.setJobLog(job, before + added);
    clock.advance(1_000);

    const tail = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=${size}`).expect(200));
    const whole = await request(app).get(`${REPO}/jobs/${job}/logs`).expect(200);

    expect(tail).toMatchObject({ start: size, size: size + Buffer.byteLength(added), complete: false, text: added });
    expect(whole.text).toBe(before + added);
    // The refresh asks from 4 KiB before the end it has (to see that the log only grew) onwards.
    expect(sim.requests.filter((r) => r.host === 'logs').map((r) => [r.status, r.headers.range, r.bytes])).toEqual([
      [200, undefined, size],
      [206, `bytes=${size - 4096}-`, 4096 + Buffer.byteLength(added)],
    ]);
  });

  it("downloads a running job's log whole again when GitHub's copy no longer starts with the bytes on disk", async () => {
    const { app, clock } = backend({ refreshMs: 1_000 });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first attempt, a long line\n');
    await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200);
    sim.setJobLog(job, 'rerun\n');
    clock.advance(1_000);
    const shorter = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200));
    // Longer, and its last byte on disk (a newline at byte 5) the same: only the bytes before it tell.
    sim.setJobLog(job, 'other\nmore lines\n');
    clock.advance(1_000);
    const changed = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200));

    expect(shorter).toMatchObject({ start: 0, end: 6, text: 'rerun\n' });
    expect(changed).toMatchObject({ start: 0, text: 'other\nmore lines\n' });
    expect(sim.requests.filter((r) => r.host === 'logs').map((r) => [r.status, r.headers.range])).toEqual([
      [200, undefined],
      [206, 'bytes=0-'],
      [200, undefined],
      [206, 'bytes=0-'],
      [200, undefined],
    ]);
  });

  it('downloads a log again once the job has completed, and then no more', async () => {
    const { app, clock } = backend({ refreshMs: 1_000 });
    const job = jobs.inProgressDeploy;
    await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200);
    sim.setRunStatus(runs.inProgress, 'completed', 'success');
    sim.setJobLog(job, 'the whole log\n');
    clock.advance(1_000);

    const done = ranged(await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200));
    clock.advance(60 * 60 * 1000);
    await request(app).get(`${REPO}/jobs/${job}/logs?start=0`).expect(200);

    expect(done).toMatchObject({ complete: true, text: 'the whole log\n' });
    expect(downloads()).toBe(2);
  });

  it('deletes the least recently read logs past the size limit, and logs older than the age limit', async () => {
    const { app, clock, dir } = backend({ maxBytes: 1_500, maxAgeMs: 10 * 60 * 1000 });
    sim.setJobLog(jobs.successBuild, 'x'.repeat(1_000));
    sim.setJobLog(jobs.successTest, 'y'.repeat(1_000));
    const files = () => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length;

    await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`).expect(200);
    await request(app).get(`${REPO}/jobs/${jobs.successTest}/logs?start=0`).expect(200);
    // A range is answered as soon as its bytes are on disk; the eviction follows once the download has ended.
    await vi.waitFor(() => expect(files()).toBe(1), { timeout: 5_000, interval: 10 });
    const afterTwo = files();
    await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`).expect(200);
    // Its download ends after the answer (a read while it runs would share it), and deletes the other log as it writes.
    await caches.at(-1)!.idle();
    await vi.waitFor(() => expect(files()).toBe(1), { timeout: 5_000, interval: 10 });
    const downloadsWithinLimits = downloads();
    clock.advance(10 * 60 * 1000);
    await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`).expect(200);

    expect(afterTwo).toBe(1);
    expect(downloadsWithinLimits).toBe(3);
    expect(downloads()).toBe(4);
  });

  it('deletes a log past the age limit at the hourly pruning, though no log is read', async () => {
    const { app, clock, dir } = backend({ maxAgeMs: 10 * 60 * 1000 });
    sim.setJobLog(jobs.successBuild, 'one\n');
    await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`).expect(200);
    const cache = caches.at(-1)!;
    await cache.idle();
    clock.advance(9 * 60 * 1000);
    await cache.prune();
    const young = filesUnder(dir);
    clock.advance(60 * 1000);

    await cache.prune();

    expect([young, filesUnder(dir)]).toEqual([1, 0]);
  });

  it('keeps serving the whole log without a range to callers that ask for it', async () => {
    const log = bigLog(1_000);
    sim.setJobLog(jobs.successBuild, log);
    const { app } = backend();

    const whole = await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs`).expect(200);
    await request(app).get(`${REPO}/jobs/${jobs.successBuild}/logs?start=0`).expect(200);

    expect(whole.text).toBe(log);
    expect(downloads()).toBe(1);
  });
});

describe('job logs on disk, when things go wrong', () => {
  it.each([
    [
      'a log host that compresses when asked (fetch asks unless told)',
      (req: IncomingMessage) => /gzip/.test(req.headers['accept-encoding'] ?? ''),
    ],
    ['a proxy that compresses whatever is asked', () => true],
  ])('takes the size of the log, not of its compressed answer, from %s', async (_name, compresses) => {
    const log = bigLog(5_000);
    // A real HTTP server: fetch decodes a compressed body only off the wire, never from a body msw hands it.
    const asked: Array<string | undefined> = [];
    const host = createServer((req, res) => {
      asked.push(req.headers['accept-encoding']);
      const body = compresses(req) ? gzipSync(log) : Buffer.from(log);
      const encoding = compresses(req) ? { 'content-encoding': 'gzip' } : {};
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, ...encoding });
      res.end(body);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const { port } = host.address() as AddressInfo;
    sim.failNext(
      { path: '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs' },
      { status: 302, headers: { location: `http://127.0.0.1:${port}/log` } },
    );
    const { app } = backend();
    try {
      const first = ranged(await read(app, jobs.successBuild, 'start=0&length=65536').expect(200));

      expect(first).toMatchObject({ size: Buffer.byteLength(log), complete: true });
      expect(first.text).toBe(Buffer.from(log).subarray(0, first.end).toString());
      // Uncompressed, a log's size is known before it arrives, and its first lines are served while the rest downloads.
      expect(asked).toEqual(['identity']);
    } finally {
      host.close();
    }
  });

  it('does not send a live viewer back to byte 0 when its poll reaches a replica whose copy is a moment older', async () => {
    const a = backend();
    const b = backend();
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');
    await read(b.app, job).expect(200);
    sim.setJobLog(job, 'first line\nsecond line\n');
    a.clock.advance(1_000);
    b.clock.advance(1_000);
    // The viewer's poll reaches replica A, which reads the new line: it has 23 bytes now.
    expect(ranged(await read(a.app, job).expect(200))).toMatchObject({ end: 23, size: 23 });

    // Its next poll reaches B, whose copy of 11 bytes is still within its refresh interval.
    const next = ranged(await read(b.app, job, 'start=23').expect(200));

    expect(next).toMatchObject({ start: 23, end: 23, size: 23, complete: false, text: '' });
  });

  it('does not send a live viewer back to byte 0 when its poll joins a download that began before the log grew', async () => {
    const a = backend();
    const b = backend();
    const cacheOfB = caches.at(-1)!;
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');
    // Another viewer makes replica B download the log as it is now: the log host sends 5 bytes, then waits.
    const release = sim.holdJobLog(job, 5);
    let poll: Promise<LogSlice> | undefined;
    let answers: Array<Promise<request.Response>> = [];
    try {
      answers = [read(b.app, job).then((res) => res)];
      await vi.waitFor(() => expect(downloads()).toBe(1), { timeout: 5_000, interval: 5 });
      // The viewer's poll reaches replica A, which reads the new line: 23 bytes.
      sim.setJobLog(job, 'first line\nsecond line\n');
      answers.push(read(a.app, job).then((res) => res));
      await vi.waitFor(() => expect(downloads()).toBe(2), { timeout: 5_000, interval: 5 });
      // Its next poll reaches B while B's download is under way (asked of B's cache itself, so that it surely joins
      // that download rather than one made after it).
      poll = cacheOfB.read({ owner: 'octo-org', repo: 'hello-world', jobId: job }, { start: 23 });
      poll.catch(() => undefined);
    } finally {
      release();
    }
    const [onB, onA] = await Promise.all(answers);

    expect([ranged(onB!).text, ranged(onA!).end]).toEqual(['first line\n', 23]);
    expect(await poll).toMatchObject({ start: 23, end: 23, size: 23, complete: false });
  });

  it("serves a running job's log on disk while GitHub fails, and asks GitHub at most once per interval", async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    const { app, clock } = backend({ refreshMs: 5_000, logger });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');
    await read(app, job).expect(200);
    clock.advance(5_000);
    sim.failNext({ path: /signedlogcontent$/, times: 100 }, { status: 503 });
    const before = downloads();

    // Three viewers poll at once, then one each second.
    const answers = (await Promise.all([0, 1, 2].map(() => read(app, job).expect(200)))).map((res) => ranged(res).text);
    for (let poll = 0; poll < 4; poll++) {
      clock.advance(1_000);
      answers.push(ranged(await read(app, job).expect(200)).text);
    }
    const duringInterval = downloads() - before;
    clock.advance(1_000);
    // Five seconds after the failed refresh, the next poll asks GitHub again.
    answers.push(ranged(await read(app, job).expect(200)).text);
    // A viewer that read further on a replica where GitHub answered makes this one ask GitHub at once. It gets
    // GitHub's failure, not 416, which would send it back to byte 0.
    const ahead = await read(app, job, 'start=23').expect(502);

    expect(answers).toEqual(Array(8).fill('first line\n'));
    expect(ahead.body.error.name).toBe('UpstreamError');
    expect([duringInterval, downloads() - before]).toEqual([1, 3]);
    expect(warnings).toEqual(Array(3).fill('serving the log on disk: it could not be read again'));
  });

  it('answers a failing log host again for an interval, without asking it at every poll, when it has no copy', async () => {
    const { app, clock } = backend({ refreshMs: 5_000 });
    const job = jobs.inProgressDeploy;
    sim.failNext({ path: /signedlogcontent$/, times: 100 }, { status: 503 });

    const answers = [];
    for (let poll = 0; poll < 4; poll++) {
      answers.push((await read(app, job).expect(502)).body.error.message);
      clock.advance(1_000);
    }
    const duringInterval = downloads();
    clock.advance(1_000);
    await read(app, job).expect(502);

    expect(new Set(answers)).toEqual(new Set(['The log host answered 503 for job ' + job + '.']));
    expect([duringInterval, downloads()]).toEqual([1, 2]);
  });

  it('asks GitHub once per interval for the log of a queued job, and serves it once the job has started', async () => {
    const { app, clock } = backend({ refreshMs: 5_000 });
    const run = sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', status: 'queued' });
    const queued = sim.runs.get(Number(run.id))!.jobIds[0]!;
    const logRequests = () => sim.count('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs');
    const before = logRequests();

    for (let poll = 0; poll < 5; poll++) await read(app, queued).expect(404);
    const whileQueued = logRequests() - before;
    sim.setRunStatus(Number(run.id), 'in_progress');
    sim.setJobLog(queued, 'Job started\n');
    clock.advance(5_000);

    expect(ranged(await read(app, queued).expect(200)).text).toBe('Job started\n');
    expect(whileQueued).toBe(1);
  });

  it('downloads a running log again at most once per interval for a client past its end', async () => {
    const { app, clock } = backend({ refreshMs: 5_000 });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'first line\n');
    await read(app, job).expect(200);

    // Past the end of every copy: the first read makes this replica download again, and is then sent back to 0.
    const first = await read(app, job, 'start=1000000').expect(416);
    const next = [];
    for (let poll = 0; poll < 4; poll++)
      next.push(inSeconds(ranged(await read(app, job, 'start=1000000').expect(200))));
    const inInterval = downloads();
    clock.advance(5_000);
    await read(app, job, 'start=1000000').expect(416);

    expect(first.body.error.message).toMatch(/Read it again from 0/);
    expect(next).toEqual(
      Array(4).fill({ start: 1_000_000, end: 1_000_000, size: 1_000_000, complete: false, age: 0, text: '' }),
    );
    expect([inInterval, downloads()]).toEqual([2, 3]);
  });

  it('stops serving a completed log within a minute of its deletion on GitHub, asking only when a viewer opens it', async () => {
    const { app, clock } = backend();
    const job = jobs.successBuild;
    const logApi = () => sim.count('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs');
    sim.setJobLog(job, 'deploy key: hunter2\n');
    await read(app, job).expect(200);
    // A completed log's first bytes are served while it downloads: the clock moves once it is on disk.
    await caches.at(-1)!.idle();
    // Someone found a secret in the run's logs and deleted them.
    sim.deleteRunLogs(runs.success);
    clock.advance(59_000);
    const withinMinute = ranged(await read(app, job).expect(200)).text;
    clock.advance(1_000);
    // A range further on is no viewer opening the log: not asked.
    await read(app, job, 'start=5').expect(200);
    const asked = logApi();

    const opened = await read(app, job).expect(404);
    const whole = await request(app).get(`${REPO}/jobs/${job}/logs`).expect(404);

    expect(withinMinute).toBe('deploy key: hunter2\n');
    expect(opened.body.error.message).toMatch(/logs were deleted or have expired/);
    expect(whole.text).not.toContain('hunter2');
    expect([asked, logApi()]).toEqual([1, 3]);
  });

  it('serves a completed log on disk while GitHub cannot say whether it still has it', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    const { app, clock } = backend({ logger });
    sim.setJobLog(jobs.successBuild, 'one\n');
    await read(app, jobs.successBuild).expect(200);
    await caches.at(-1)!.idle();
    clock.advance(60_000);
    sim.failNext({ path: '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs', times: 10 }, { status: 503 });

    const answer = ranged(await read(app, jobs.successBuild).expect(200));

    expect(answer).toMatchObject({ text: 'one\n', complete: true });
    expect(warnings).toEqual(['serving the log on disk: GitHub could not be asked']);
    expect(downloads()).toBe(1);
  });

  it('answers 502 when the log host breaks off in the middle of a log', async () => {
    sim.setJobLog(jobs.successBuild, 'x'.repeat(200_000));
    sim.breakJobLog(jobs.successBuild, 100_000);
    const { app } = backend();

    const res = await read(app, jobs.successBuild, 'start=150000&length=1000').expect(502);

    expect(res.body.error).toMatchObject({ name: 'UpstreamError', message: expect.stringMatching(/broke off/) });
  });

  it('answers 502 when the log host stops sending a log, rather than holding its viewers', async () => {
    sim.setJobLog(jobs.successBuild, 'x'.repeat(200_000));
    // The host sends 10 bytes, then nothing more.
    sim.holdJobLog(jobs.successBuild, 10);
    const { app } = backend({ logHostTimeoutMs: 100 });

    const res = await read(app, jobs.successBuild, 'start=0&length=1000').expect(502);

    expect(res.body.error.message).toBe(`The log host sent nothing of the log of job ${jobs.successBuild} for 0.1 s.`);
  });

  it('makes its directory again after a first try failed, and after it was deleted under it', async () => {
    const blocked = join(mkdtempSync(join(root, 'blocked-')), 'cache');
    // A volume not mounted yet: a file stands where LOG_CACHE_DIR should be.
    writeFileSync(blocked, 'not a directory');
    const { app } = backend({}, join(blocked, 'logs'));
    sim.setJobLog(jobs.successBuild, 'one\n');
    sim.setJobLog(jobs.successTest, 'two\n');
    await read(app, jobs.successBuild).expect(500);
    rmSync(blocked);
    await read(app, jobs.successBuild).expect(200);

    // A cleaner of /tmp deletes the directory while the process runs.
    rmSync(join(blocked, 'logs'), { recursive: true });
    const again = [
      ranged(await read(app, jobs.successBuild).expect(200)),
      ranged(await read(app, jobs.successTest).expect(200)),
    ];

    expect(again.map((answer) => answer.text)).toEqual(['one\n', 'two\n']);
  });

  it('serves a log whose directory a cleaner of /tmp deleted while it downloaded', async () => {
    // Twenty parts of 256 KiB: the download is still writing when the viewer finds its file gone.
    const log = 'x'.repeat(20 * 256 * 1024);
    sim.setJobLog(jobs.successBuild, log);
    const release = sim.holdJobLog(jobs.successBuild, 1_000);
    const { app, dir } = backend();
    const viewer = read(app, jobs.successBuild, 'start=0&length=5000').then((res) => res);
    try {
      await vi.waitFor(() => expect(filesUnder(dir)).toBe(1), { timeout: 5_000, interval: 5 });
      rmSync(dir, { recursive: true });
    } finally {
      release();
    }
    const answer = await viewer;

    expect(answer.status).toBe(200);
    expect(ranged(answer)).toMatchObject({ start: 0, end: 5_000, text: log.slice(0, 5_000) });
  });

  it('leaves no file behind when closed while a log downloads, and answers its viewer 503', async () => {
    const { app, dir } = backend();
    const cache = caches.at(-1)!;
    sim.setJobLog(jobs.successBuild, 'one\n');
    sim.setJobLog(jobs.successTest, 'two\n');
    await read(app, jobs.successBuild).expect(200);
    const location = `/repos/octo-org/hello-world/actions/jobs/${jobs.successTest}/logs`;
    const release = sim.holdNext({ path: location });
    const viewer = read(app, jobs.successTest).then((res) => res);
    try {
      // The backend shuts down while GitHub is asked where the log is.
      await vi.waitFor(() => expect(sim.count('GET', location)).toBe(1), { timeout: 5_000, interval: 5 });
      await cache.close();
    } finally {
      release();
    }
    const answer = await viewer;
    await cache.idle();

    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(/shutting down/);
    expect(filesUnder(dir)).toBe(0);
  });

  it('deletes the files that ended processes on this host left behind, and no others', async () => {
    const dir = mkdtempSync(join(root, 'emptydir-'));
    // A process that has ended: its id is free now.
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const left = {
      // Killed before closing its cache: an ended process, and one with this process's id (Kubernetes restarts a
      // container's process with the same id, on the same emptyDir).
      [`job-logs_${hostname()}_${ended}_a1B2c3`]: false,
      [`job-logs_${hostname()}_${process.pid}_a1B2c3`]: false,
      // A process that still runs here (our parent), and one on another host that shares the volume.
      [`job-logs_${hostname()}_${process.ppid}_a1B2c3`]: true,
      'job-logs_other-host_1_a1B2c3': true,
    };
    for (const name of Object.keys(left)) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'job-1-1.log'), 'theirs\n');
    }
    sim.setJobLog(jobs.successBuild, 'x'.repeat(1_000));
    const { app } = backend({}, dir);
    await read(app, jobs.successBuild).expect(200);

    const kept = Object.fromEntries(Object.keys(left).map((name) => [name, existsSync(join(dir, name))]));
    expect(kept).toEqual(left);
    expect(filesUnder(dir)).toBe(3);
  });

  it('ends a range after the character at its start when the length asked for is shorter than that character', async () => {
    sim.setJobLog(jobs.successBuild, 'ab✓cd😀\n');
    const { app } = backend();

    const check = ranged(await read(app, jobs.successBuild, 'start=2&length=2').expect(200));
    const emoji = ranged(await read(app, jobs.successBuild, 'start=7&length=3').expect(200));

    expect([check.text, emoji.text]).toEqual(['✓', '😀']);
  });

  it('ends such a range after its character while the log is still downloading', async () => {
    sim.setJobLog(jobs.successBuild, `ab✓cd${'x'.repeat(100)}\n`);
    // The host sends `ab` and two of the three bytes of ✓, then waits.
    const release = sim.holdJobLog(jobs.successBuild, 4);
    const { app, dir } = backend();
    const onDisk = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile())
        .map((f) => statSync(join(f.parentPath, f.name)).size);

    const answer = read(app, jobs.successBuild, 'start=2&length=1').then((res) => ranged(res));
    await vi.waitFor(() => expect(onDisk()).toEqual([4]), { timeout: 5_000, interval: 5 });
    release();

    expect(await answer).toMatchObject({ start: 2, end: 5, text: '✓' });
  });

  it('makes room for a log while it downloads, not only once it has arrived', async () => {
    const { app, dir } = backend({ maxBytes: 1_000 });
    sim.setJobLog(jobs.successBuild, `${'a'.repeat(599)}\n`);
    sim.setJobLog(jobs.successTest, `${'b'.repeat(599)}\n`);
    const bytesUnder = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile())
        .reduce((sum, f) => sum + statSync(join(f.parentPath, f.name)).size, 0);
    await read(app, jobs.successBuild).expect(200);
    await vi.waitFor(() => expect(bytesUnder()).toBe(600), { timeout: 5_000, interval: 10 });
    // The log host sends 500 bytes of the second log, then waits: 1,100 bytes would be on disk.
    const release = sim.holdJobLog(jobs.successTest, 500);
    try {
      await read(app, jobs.successTest, 'start=0&length=100').expect(200);

      await vi.waitFor(() => expect(bytesUnder()).toBe(500), { timeout: 5_000, interval: 10 });
    } finally {
      release();
    }
    await vi.waitFor(() => expect(bytesUnder()).toBe(600), { timeout: 5_000, interval: 10 });
  });

  it('keeps to the size limit after two downloads that end together delete the same old logs', async () => {
    const { app, clock, dir } = backend({ maxBytes: 500, maxAgeMs: 10 * 60 * 1000 });
    const log = `${'x'.repeat(99)}\n`;
    const newJobs = (count: number) => {
      const run = sim.addRun({
        owner: 'octo-org',
        repo: 'hello-world',
        workflow: 'ci.yml',
        status: 'completed',
        conclusion: 'success',
        jobs: Array.from({ length: count }, (_, i) => ({
          name: `job ${i}`,
          status: 'completed' as const,
          conclusion: 'success' as const,
          log,
        })),
      });
      return sim.runs.get(Number(run.id))!.jobIds;
    };
    for (const job of newJobs(4)) await read(app, job).expect(200);
    // Their downloads may end after the answers: the clock moves once they are on disk, or they would be younger.
    await caches.at(-1)!.idle();
    clock.advance(60 * 60 * 1000);
    // Two downloads held until both have started, then let go together: each deletes the four old logs.
    const [a, b] = newJobs(2) as [number, number];
    const releases = [sim.holdJobLog(a, 50), sim.holdJobLog(b, 50)];
    const both = Promise.all([read(app, a).expect(200), read(app, b).expect(200)]);
    await vi.waitFor(() => expect(downloads()).toBe(6), { timeout: 5_000, interval: 5 });
    for (const release of releases) release();
    await both;
    await vi.waitFor(() => expect(filesUnder(dir)).toBe(2), { timeout: 5_000, interval: 10 });

    // Five logs of 100 bytes fit in 500; ten more are read.
    for (const job of newJobs(10)) await read(app, job).expect(200);
    await vi.waitFor(() => expect(filesUnder(dir)).toBeLessThanOrEqual(5), { timeout: 5_000, interval: 10 });
  });

  it('serves a viewer the log it opens though downloads of other logs delete it twice while GitHub is asked about it', async () => {
    // Logs of 1,000 bytes and room for 1,500: downloading one deletes the other.
    const { app, clock } = backend({ maxBytes: 1_500 });
    const [a, b] = [jobs.successBuild, jobs.successTest];
    const log = `${'a'.repeat(999)}\n`;
    sim.setJobLog(a, log);
    sim.setJobLog(b, `${'b'.repeat(999)}\n`);
    const cache = caches.at(-1)!;
    const locationOfA = `/repos/octo-org/hello-world/actions/jobs/${a}/logs`;
    const askedAboutA = () => sim.count('GET', locationOfA);
    await read(app, a).expect(200);
    await cache.idle();
    // A viewer opens A a minute later: GitHub is asked whether it still has it, and answers once B has been read.
    clock.advance(60_000);
    const releases = [sim.holdNext({ path: locationOfA })];
    let answer: request.Response | undefined;
    try {
      const viewer = read(app, a).then((res) => (answer = res));
      await vi.waitFor(() => expect(askedAboutA()).toBe(2), { timeout: 5_000, interval: 5 });
      await read(app, b).expect(200);
      await cache.idle();
      // Another viewer downloads A again, deleting B. A minute later the viewer, if it looks for A again, finds this
      // copy, and GitHub is asked about it in turn, answering once B has been read again.
      await read(app, a, 'start=10').expect(200);
      await cache.idle();
      clock.advance(60_000);
      releases.push(sim.holdNext({ path: locationOfA }));
      releases[0]!();
      // The viewer is answered, or looks for A again and asks GitHub about the new copy.
      await vi.waitFor(() => expect(answer !== undefined || askedAboutA() === 4).toBe(true), {
        timeout: 5_000,
        interval: 5,
      });
      await read(app, b).expect(200);
      await cache.idle();
      releases[1]!();
      await viewer;
    } finally {
      for (const release of releases) release();
    }

    expect(answer!.status).toBe(200);
    expect(ranged(answer!)).toMatchObject({ start: 0, end: 1_000, complete: true, text: log });
  });
});

describe("job logs within the installation's GitHub rate limit", () => {
  const org = SEED.installations.org.id;

  it("refreshes running logs at most at LOG_REFRESH_RATE_LIMIT_PERCENT of the installation's limit, losing no line", async () => {
    // 1 % of the simulator's 5,000 an hour: 50 refreshes an hour, four at once.
    const registry = new Registry();
    const { app, clock } = backend({ refreshMs: 2_000, refreshRateLimitShare: 0.01, registry });
    const job = jobs.inProgressDeploy;
    let log = 'line 0\n';
    sim.setJobLog(job, log);
    let offset = ranged(await read(app, job).expect(200)).end;
    let shown = log;

    // Four minutes of a viewer's polls every 2 s, the job writing a line between each two.
    for (let poll = 1; poll <= 120; poll++) {
      log += `line ${poll}\n`;
      sim.setJobLog(job, log);
      clock.advance(2_000);
      const part = ranged(await read(app, job, `start=${offset}`).expect(200));
      shown += part.text;
      offset = part.end;
    }
    const refreshes = downloads() - 1;
    // The next refresh the allowance earns (one each 72 s) brings every line written since the last.
    clock.advance(72_000);
    shown += ranged(await read(app, job, `start=${offset}`).expect(200)).text;

    // Four at once, and 50 an hour for the four minutes: 7; without the allowance, 120.
    expect(refreshes).toBeGreaterThanOrEqual(6);
    expect(refreshes).toBeLessThanOrEqual(7);
    expect(shown).toBe(log);
    const deferred = await registry.getSingleMetricAsString('github_log_refreshes_deferred_total');
    expect(deferred).toContain(`github_log_refreshes_deferred_total{installation="${org}"} ${120 - refreshes}`);
  });

  it('refreshes no running log while less than a tenth of the hour is left, until GitHub resets the count', async () => {
    const registry = new Registry();
    const { app, clock } = backend({ refreshMs: 2_000, registry });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'line 0\n');
    await read(app, job).expect(200);
    // Other work of the App has used 4,600 of the installation's 5,000: the next answer says 398 are left.
    sim.useRateLimit(org, 4_600);
    sim.setJobLog(job, 'line 0\nline 1\n');
    clock.advance(2_000);
    const told = inSeconds(ranged(await read(app, job).expect(200)));
    sim.setJobLog(job, 'line 0\nline 1\nline 2\n');
    const statusReads = () => sim.count('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}');
    const statusBefore = statusReads();
    const whileLow = [];
    for (let poll = 0; poll < 5; poll++) {
      clock.advance(2_000);
      whileLow.push(inSeconds(ranged(await read(app, job).expect(200))));
    }
    const refreshesWhileLow = downloads() - 2;
    // Whether the job has completed is asked every 10 s meanwhile, not at each poll.
    const statusWhileLow = statusReads() - statusBefore;
    clock.advance(3_600_000);
    const afterReset = inSeconds(ranged(await read(app, job).expect(200)));

    expect(told).toMatchObject({ text: 'line 0\nline 1\n', age: 0 });
    // Each answer says how old its copy is, so the viewer can tell the user.
    expect(whileLow.map(({ text, age }) => [text, age])).toEqual(
      [2, 4, 6, 8, 10].map((age) => ['line 0\nline 1\n', age]),
    );
    expect(refreshesWhileLow).toBe(0);
    expect(statusWhileLow).toBe(1);
    expect(afterReset).toMatchObject({ text: 'line 0\nline 1\nline 2\n', age: 0 });
    const metrics = await registry.getSingleMetricAsString('github_rate_limit_remaining');
    expect(metrics).toMatch(new RegExp(`github_rate_limit_remaining\\{installation="${org}"\\} 3\\d\\d$`, 'm'));
  });

  /**
   * A running job's log read twice: once, then again after other work of the App used 4,600 of the installation's
   * 5,000 requests, which that refresh's answer tells. From then on its refreshes are put off.
   */
  async function logWithRefreshesPutOff(options: JobLogCacheOptions = {}) {
    const { app, clock } = backend({ refreshMs: 2_000, ...options });
    const job = jobs.inProgressDeploy;
    sim.setJobLog(job, 'line 0\n');
    await read(app, job).expect(200);
    sim.useRateLimit(org, 4_600);
    clock.advance(2_000);
    await read(app, job).expect(200);
    return { app, clock, job };
  }

  it("brings a completed job's last lines and says it is complete though running logs' refreshes are put off", async () => {
    const { app, clock, job } = await logWithRefreshesPutOff();
    // The job fails; its last lines say why.
    sim.setRunStatus(runs.inProgress, 'completed', 'failure');
    sim.setJobLog(job, 'line 0\nError: the deploy failed\n');
    clock.advance(60_000);

    const final = ranged(await read(app, job).expect(200));

    expect(final).toMatchObject({ complete: true, text: 'line 0\nError: the deploy failed\n' });
  });

  it.each([
    ['one after the other within an interval', 2_000, false],
    ['together, while GitHub is asked whether the job ended', 10_000, true],
  ])('counts a refresh put off once when five viewers poll %s', async (_case, wait, together) => {
    const registry = new Registry();
    const { app, clock, job } = await logWithRefreshesPutOff({ registry });
    const deferred = async () =>
      Number(
        new RegExp(`github_log_refreshes_deferred_total\\{installation="${org}"\\} (\\d+)`).exec(
          await registry.getSingleMetricAsString('github_log_refreshes_deferred_total'),
        )?.[1] ?? 0,
      );
    const before = await deferred();
    // A refresh is due (after 10 s, so is the question whether the job ended).
    clock.advance(wait);

    const poll = () => read(app, job).expect(200);
    const answers = together
      ? await Promise.all(Array.from({ length: 5 }, poll))
      : [await poll(), await poll(), await poll(), await poll(), await poll()];

    expect(answers.map((res) => ranged(res).text)).toEqual(Array(5).fill('line 0\n'));
    expect((await deferred()) - before).toBe(1);
  });
});
