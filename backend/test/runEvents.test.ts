import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import { JobLogCache } from '../src/github/jobLogCache.js';
import { Gate } from '../src/spinnaker/gate.js';
import { RunStates } from '../src/stage/runStates.js';
import { StageRuns } from '../src/stage/stageRuns.js';
import { DeliveryWorker } from '../src/triggers/deliveryWorker.js';
import { PipelineCache } from '../src/triggers/pipelineCache.js';
import { createGithubSimulator, SEED, type SimulatedEvent } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { ACCESS_POLICY, STAGE_SECRET, WEBHOOK_SECRET, useTempStore } from './support/app.js';
import { TestClock } from './support/clock.js';
import { collectEvents, deliver } from './support/deliveries.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';
import { ranged } from './support/logRange.js';
import { localRequestsOnly } from './support/net.js';

const sim = createGithubSimulator();
const gate = new GateSimulator();
const server = setupServer(...sim.handlers, ...gate.handlers);
const temp = useTempStore();
let stageCount = 0;

beforeAll(() => server.listen(localRequestsOnly));
afterEach(() => {
  const violations = sim.takeViolations();
  sim.reset();
  expect(violations, 'simulated requests, answers and events that break GitHub’s OpenAPI description').toEqual([]);
});
afterAll(() => server.close());
const caches: JobLogCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});

const FALLBACK_MS = 60_000;

/** The backend as server.ts wires it: the app, and the delivery worker applying run events, on one test clock. */
function backend() {
  const clock = new TestClock();
  // Reads stay in the read cache for 0 ms: every GitHub read the backend makes is counted.
  const { github, reads } = githubAppFor(sim, { readFreshForMs: 0 });
  const { store } = temp;
  const runStates = new RunStates({ store, reads, logger: silentLogger, clock, fallbackMs: FALLBACK_MS });
  const stageRuns = new StageRuns({ github, reads, store, logger: silentLogger, runStates, lookupTimeoutMs: 3_000 });
  const logs = new JobLogCache(github, { clock, jobCompleted: (job) => runStates.jobCompleted(job) });
  caches.push(logs);
  const client = new Gate({ url: gate.url, logger: silentLogger });
  const worker = new DeliveryWorker({
    store,
    gate: client,
    pipelines: new PipelineCache(client, silentLogger, 0),
    logger: silentLogger,
    clock,
    onEvent: (event, payload) => runStates.apply(event, payload),
  });
  const app = createApp({
    logger: silentLogger,
    store,
    github,
    stageSecret: STAGE_SECRET,
    accessPolicy: ACCESS_POLICY,
    webhooks: { secret: WEBHOOK_SECRET, onDelivery: () => {} },
    statuses: new DeploymentStatuses({
      store,
      github,
      gate: client,
      logger: silentLogger,
      spinnakerUiUrl: 'https://x',
    }),
    shared: { reads, stageRuns },
    logs,
  });
  const events = collectEvents(sim);
  return {
    app,
    clock,
    logs,
    /** GitHub sends what happened since the last call; the worker applies it. `arrive` loses or reorders some. */
    async sendEvents(arrive: (events: SimulatedEvent[]) => SimulatedEvent[] = (all) => all) {
      for (const event of arrive(events.take())) await deliver(app, event);
      await worker.drain();
    },
    dispatch: () =>
      request(app)
        .post('/stage/dispatch')
        .set('X-Stage-Secret', STAGE_SECRET)
        .send({
          executionId: `01JEVENTS${++stageCount}`,
          stageId: `stage-${stageCount}`,
          application: 'checkout',
          repository: 'octo-org/hello-world',
          waitForCompletion: true,
          workflow: 'deploy.yml',
          ref: 'main',
          inputs: { region: 'eu-west-1', version: '1.2.3' },
        })
        .expect(200),
    poll: (runId: number) =>
      request(app).get(`/stage/runs/octo-org/hello-world/${runId}`).set('X-Stage-Secret', STAGE_SECRET).expect(200),
  };
}

/** GitHub reads of one run and its jobs. */
const runReads = (runId: number) =>
  sim.count('GET', `/repos/octo-org/hello-world/actions/runs/${runId}`) +
  sim.count('GET', `/repos/octo-org/hello-world/actions/runs/${runId}/jobs`);

describe('GET /stage/runs/:owner/:repo/:runId with workflow_run and workflow_job events', () => {
  it('follows the run from its events without reading GitHub, to SUCCEEDED', async () => {
    const api = backend();
    const { body: started } = await api.dispatch();
    await api.sendEvents();
    const afterDispatch = runReads(started.runId);

    expect((await api.poll(started.runId)).body).toMatchObject({ status: 'RUNNING', progress: '0 of 2 jobs done' });
    sim.setRunStatus(started.runId, 'in_progress');
    await api.sendEvents();
    expect((await api.poll(started.runId)).body).toMatchObject({ status: 'RUNNING', run: { status: 'in_progress' } });
    sim.setRunStatus(started.runId, 'completed', 'success');
    await api.sendEvents();
    const done = await api.poll(started.runId);

    expect(done.body).toMatchObject({ status: 'SUCCEEDED', progress: '2 of 2 jobs done', failedJobs: [] });
    expect(runReads(started.runId)).toBe(afterDispatch);
  });

  it('reports a run whose completed event was lost within the fallback interval, at Orca’s 15 s cadence', async () => {
    const api = backend();
    const { body: started } = await api.dispatch();
    sim.setRunStatus(started.runId, 'in_progress');
    await api.sendEvents();
    sim.setRunStatus(started.runId, 'completed', 'success');
    await api.sendEvents(() => []);

    const answers: [number, string][] = [];
    for (let waited = 0; waited <= FALLBACK_MS; waited += 15_000) {
      answers.push([waited, (await api.poll(started.runId)).body.status]);
      api.clock.advance(15_000);
    }

    // Quiet for the fallback interval less one poll: the poll 45 s after the last event reads GitHub.
    expect(answers).toEqual([
      [0, 'RUNNING'],
      [15_000, 'RUNNING'],
      [30_000, 'RUNNING'],
      [45_000, 'SUCCEEDED'],
      [60_000, 'SUCCEEDED'],
    ]);
  });

  it('lists the repository once for several quiet runs whose completed events were lost, then reads each', async () => {
    const api = backend();
    const runIds: number[] = [];
    for (let i = 0; i < 3; i++) runIds.push((await api.dispatch()).body.runId);
    for (const runId of runIds) sim.setRunStatus(runId, 'in_progress');
    await api.sendEvents();
    for (const runId of runIds) sim.setRunStatus(runId, 'completed', 'success');
    await api.sendEvents(() => []);

    api.clock.advance(FALLBACK_MS);
    for (const runId of runIds) expect((await api.poll(runId)).body.status).toBe('SUCCEEDED');

    expect(sim.count('GET', '/repos/octo-org/hello-world/actions/runs')).toBe(1);
  });

  it('vouches for quiet runs still in progress with one listing of the repository, not a read of each', async () => {
    const api = backend();
    const runIds: number[] = [];
    for (let i = 0; i < 3; i++) runIds.push((await api.dispatch()).body.runId);
    for (const runId of runIds) sim.setRunStatus(runId, 'in_progress');
    await api.sendEvents();
    const before = runIds.map(runReads);

    api.clock.advance(FALLBACK_MS);
    for (const runId of runIds) expect((await api.poll(runId)).body.status).toBe('RUNNING');

    expect(sim.count('GET', '/repos/octo-org/hello-world/actions/runs')).toBe(1);
    expect(runIds.map(runReads)).toEqual(before);
  });

  it('names the failed jobs when their workflow_job events were lost', async () => {
    const api = backend();
    const { body: started } = await api.dispatch();
    sim.setRunStatus(started.runId, 'in_progress');
    await api.sendEvents();
    sim.setRunStatus(started.runId, 'completed', 'failure');
    await api.sendEvents((all) => all.filter((event) => event.name !== 'workflow_job'));

    const failed = sim.runs.get(started.runId)!.jobIds.map((id) => sim.jobs.get(id)!.job.name);
    const res = await api.poll(started.runId);
    expect(res.body).toMatchObject({ status: 'TERMINAL' });
    expect([...res.body.failedJobs].sort()).toEqual([...failed].sort());
  });

  it('keeps the end of a run when an older event is delivered after it', async () => {
    const api = backend();
    const { body: started } = await api.dispatch();
    sim.setRunStatus(started.runId, 'in_progress');
    sim.setRunStatus(started.runId, 'completed', 'cancelled');
    // Every event of the run, the last first: replicas may apply deliveries out of order.
    await api.sendEvents((all) => [...all].reverse());
    expect((await api.poll(started.runId)).body.status).toBe('CANCELED');
  });
});

describe('GET /api/repos/:owner/:repo/runs/:runId/jobs of a followed run', () => {
  it('answers the steps from workflow_job events', async () => {
    const api = backend();
    const { body: started } = await api.dispatch();
    sim.setRunStatus(started.runId, 'in_progress');
    await api.sendEvents();
    const before = runReads(started.runId);

    const res = await request(api.app).get(`/api/repos/octo-org/hello-world/runs/${started.runId}/jobs`).expect(200);

    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({ status: 'in_progress', steps: expect.arrayContaining([]) });
    expect(runReads(started.runId)).toBe(before);
  });
});

describe('GET /api/repos/:owner/:repo/jobs/:jobId/logs of a followed run', () => {
  const jobReads = () => sim.count('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}');
  const readLog = (api: ReturnType<typeof backend>, jobId: number, start: number) =>
    request(api.app).get(`/api/repos/octo-org/hello-world/jobs/${jobId}/logs?start=${start}`).expect(200);

  /** A run the backend dispatched, in progress, its events delivered by `arrive`; its first job's log one line long. */
  async function runningJob(
    api: ReturnType<typeof backend>,
    arrive?: (events: SimulatedEvent[]) => SimulatedEvent[],
  ): Promise<{ runId: number; jobId: number }> {
    const { body: started } = await api.dispatch();
    const runId: number = started.runId;
    sim.setRunStatus(runId, 'in_progress');
    await api.sendEvents(arrive);
    const jobId = sim.runs.get(runId)!.jobIds[0]!;
    sim.setJobLog(jobId, 'line 0\n');
    return { runId, jobId };
  }

  /** Polls the log every 2 s for up to two minutes (the run's other job runs on), until it is complete. */
  async function pollUntilComplete(api: ReturnType<typeof backend>, jobId: number) {
    let last = ranged(await readLog(api, jobId, 0));
    for (let waited = 0; waited < 120_000 && !last.complete; waited += 2_000) {
      api.clock.advance(2_000);
      last = ranged(await readLog(api, jobId, 0));
    }
    return last;
  }

  /** The run's first job fails while the other runs on, and its `workflow_job` completed delivery is lost. */
  async function failFirstJobWithoutEvent(api: ReturnType<typeof backend>, runId: number): Promise<void> {
    const jobId = sim.runs.get(runId)!.jobIds[0]!;
    sim.completeJob(jobId, 'failure');
    sim.setJobLog(jobId, 'line 0\nError: the deploy failed\n');
    await api.sendEvents(() => []);
  }

  it("refreshes a running job's log without reading the job from GitHub, and reads it a last time once it completes", async () => {
    const api = backend();
    const { runId, jobId } = await runningJob(api);

    const first = ranged(await readLog(api, jobId, 0));
    sim.setJobLog(jobId, 'line 0\nline 1\n');
    api.clock.advance(2_000);
    const second = ranged(await readLog(api, jobId, first.end));
    // The job fails; its last line says why. The completed events arrive before the next poll.
    sim.setRunStatus(runId, 'completed', 'failure');
    sim.setJobLog(jobId, 'line 0\nline 1\nError: the deploy failed\n');
    await api.sendEvents();
    api.clock.advance(2_000);
    const last = ranged(await readLog(api, jobId, second.end));

    expect([first, second, last].map(({ text, complete }) => [text, complete])).toEqual([
      ['line 0\n', false],
      ['line 1\n', false],
      ['Error: the deploy failed\n', true],
    ]);
    expect(jobReads()).toBe(0);
  });

  it('reads the last lines at the first poll after the completed event, though refreshes are put off', async () => {
    const api = backend();
    const { runId, jobId } = await runningJob(api);
    await readLog(api, jobId, 0);
    // Other work of the App has used most of the hour: the next answer says less than a tenth is left.
    sim.useRateLimit(SEED.installations.org.id, 4_600);
    api.clock.advance(2_000);
    await readLog(api, jobId, 0);
    sim.setJobLog(jobId, 'line 0\nline 1\n');
    api.clock.advance(2_000);
    const putOff = ranged(await readLog(api, jobId, 0));
    sim.setRunStatus(runId, 'completed', 'failure');
    sim.setJobLog(jobId, 'line 0\nline 1\nError: the deploy failed\n');
    await api.sendEvents();
    api.clock.advance(2_000);
    const last = ranged(await readLog(api, jobId, 0));

    expect(putOff).toMatchObject({ complete: false, text: 'line 0\n' });
    expect(last).toMatchObject({ complete: true, text: 'line 0\nline 1\nError: the deploy failed\n' });
    expect(jobReads()).toBe(0);
  });

  it('reads the job from GitHub when no event has reached its run', async () => {
    const api = backend();
    const { jobId } = await runningJob(api, () => []);

    expect(ranged(await readLog(api, jobId, 0))).toMatchObject({ complete: false, text: 'line 0\n' });
    expect(jobReads()).toBe(1);
  });

  it.each([
    ['refreshes are allowed', false],
    ['refreshes are put off', true],
  ])('marks a job’s log complete within a minute when its completed event was lost and %s', async (_case, putOff) => {
    const api = backend();
    const { runId, jobId } = await runningJob(api);
    await readLog(api, jobId, 0);
    // Less than a tenth of the hour's requests is left: refreshes are put off from the next answer on.
    if (putOff) sim.useRateLimit(SEED.installations.org.id, 4_600);
    api.clock.advance(2_000);
    await readLog(api, jobId, 0);
    await failFirstJobWithoutEvent(api, runId);
    const before = api.clock.now().getTime();

    const last = await pollUntilComplete(api, jobId);

    expect(last).toMatchObject({ complete: true, text: 'line 0\nError: the deploy failed\n' });
    expect(api.clock.now().getTime() - before).toBeLessThanOrEqual(62_000);
  });

  it('shows the job ended in the run’s job list and Orca’s poll once its log is read complete after a lost event', async () => {
    const api = backend();
    const { runId, jobId } = await runningJob(api);
    await readLog(api, jobId, 0);
    await failFirstJobWithoutEvent(api, runId);
    await pollUntilComplete(api, jobId);

    const { body: list } = await request(api.app).get(`/api/repos/octo-org/hello-world/runs/${runId}/jobs`).expect(200);
    const { body: polled } = await api.poll(runId);

    const [failed, other] = list.items;
    expect([failed, other].map((job) => [job.id, job.status, job.conclusion])).toEqual([
      [jobId, 'completed', 'failure'],
      [sim.runs.get(runId)!.jobIds[1], 'in_progress', null],
    ]);
    expect(polled).toMatchObject({ status: 'RUNNING', progress: '1 of 2 jobs done', failedJobs: [failed.name] });
  });

  it('asks GitHub about a job the run state says runs at most once a minute, however many logs poll', async () => {
    const api = backend();
    const { jobId } = await runningJob(api);
    const before = jobReads();

    // Three viewers poll every 2 s for two and a half minutes while the job runs on.
    for (let waited = 0; waited < 150_000; waited += 2_000) {
      await Promise.all([0, 0, 0].map(() => readLog(api, jobId, 0)));
      api.clock.advance(2_000);
    }

    expect(jobReads() - before).toBe(2);
  });

  it('asks GitHub about a job the run state says runs once a minute for all replicas, though their polls coincide', async () => {
    const [a, b] = [backend(), backend()];
    const { jobId } = await runningJob(a);
    const before = jobReads();

    // A viewer on each replica; their polls reach both at the same moments for two and a half minutes.
    for (let waited = 0; waited < 150_000; waited += 2_000) {
      await Promise.all([readLog(a, jobId, 0), readLog(b, jobId, 0)]);
      a.clock.advance(2_000);
      b.clock.advance(2_000);
    }

    expect(jobReads() - before).toBe(2);
  });

  it('refreshes the log, and asks GitHub about the job at most once a minute, while GitHub fails to answer for it', async () => {
    const api = backend();
    const { jobId } = await runningJob(api);
    await readLog(api, jobId, 0);
    sim.failNext({ method: 'GET', path: '/repos/{owner}/{repo}/actions/jobs/{job_id}', times: 1_000 }, { status: 502 });
    const before = jobReads();

    // Two and a half minutes of a viewer's polls every 2 s; a line is added after each minute.
    const texts: string[] = [];
    let offset = 0;
    for (let waited = 0; waited < 150_000; waited += 2_000) {
      if (waited % 60_000 === 0) sim.setJobLog(jobId, `line 0\n${'line 1\n'.repeat(waited / 60_000)}`);
      api.clock.advance(2_000);
      const range = ranged(await readLog(api, jobId, offset));
      if (range.text) texts.push(range.text);
      offset = range.end;
    }

    expect(texts).toEqual(['line 0\n', 'line 1\n', 'line 1\n']);
    // A read a minute, each request of it tried again three times on a 502 (src/github/octokit.ts).
    expect(jobReads() - before).toBeLessThanOrEqual(2 * 4);
  });

  it('marks a job’s log complete for an App subscribed to workflow_run only, whose jobs the backend read once', async () => {
    const api = backend();
    const runEventsOnly = (all: SimulatedEvent[]) => all.filter((event) => event.name === 'workflow_run');
    const { body: started } = await api.dispatch();
    const runId: number = started.runId;
    // Orca's first poll, before any event: the run and its jobs are read from GitHub and kept.
    await api.poll(runId);
    sim.setRunStatus(runId, 'in_progress');
    await api.sendEvents(runEventsOnly);
    const jobId = sim.runs.get(runId)!.jobIds[0]!;
    sim.setJobLog(jobId, 'line 0\n');
    await readLog(api, jobId, 0);
    await failFirstJobWithoutEvent(api, runId);

    expect(await pollUntilComplete(api, jobId)).toMatchObject({
      complete: true,
      text: 'line 0\nError: the deploy failed\n',
    });
  });
});
