import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GithubReads } from '../src/github/githubReads.js';
import { Gate } from '../src/spinnaker/gate.js';
import { DispatchWatch } from '../src/stage/dispatchWatch.js';
import { StageRuns } from '../src/stage/stageRuns.js';
import { openStore, recordDispatch, setDispatchRun, type Store } from '../src/store/index.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { STAGE_SECRET, appFor } from './support/app.js';
import { TestClock } from './support/clock.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';

// Orca sends its cancel only once it polls the run (MonitorWebhookTask.onCancel): a stage cancelled while Orca still
// retries the create call sends nothing. The backend reads such executions in Gate and cancels the run itself.
const sim = createGithubSimulator();
const gate = new GateSimulator();
const server = setupServer(...sim.handlers, ...gate.handlers);
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
let dir: string;
let store: Store;
let clock: TestClock;
let watch: DispatchWatch;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(req, print) {
      if (!LOCAL_HOSTS.has(new URL(req.url).hostname)) print.error();
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'spinnaker-github-cancel-'));
  store = await openStore({ databaseFile: join(dir, 'test.db'), logger: silentLogger });
});
afterAll(async () => {
  server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = new TestClock();
  const { github } = githubAppFor(sim, { readFreshForMs: 0 });
  watch = new DispatchWatch({
    store,
    gate: new Gate({ url: gate.url, logger: silentLogger }),
    stageRuns: new StageRuns({ github, reads: new GithubReads(github), store, logger: silentLogger }),
    logger: silentLogger,
    clock,
  });
});
afterEach(() => {
  const violations = sim.takeViolations();
  sim.reset();
  gate.reset();
  expect(violations).toEqual([]);
});

const app = () => appFor(sim, store, { readFreshForMs: 0 });

/** Orca's create call for a stage of the execution, as config/orca-local.yml sends it. */
const dispatch = (stage: { executionId: string; stageId: string; stageStartTime: number }) =>
  request(app())
    .post('/stage/dispatch')
    .set('X-Stage-Secret', STAGE_SECRET)
    .send({
      ...stage,
      application: 'hello',
      repository: 'octo-org/hello-world',
      waitForCompletion: true,
      dispatchType: 'workflow_dispatch',
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { region: 'eu-west-1' },
    });

const runOf = (runId: number | undefined) => sim.runs.get(runId ?? 0)?.run;

describe('a stage cancelled before Orca polled its run', () => {
  it('gets its GitHub run cancelled while Orca was still retrying the dispatch', async () => {
    sim.withoutRunDetails();
    // Another stage dispatched the same workflow through the App a moment ago: the backend cannot tell the runs apart
    // yet, answers 503, and Orca retries the create call.
    const other = sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', actor: sim.bot });
    const stage = gate.addRunningExecution({ application: 'hello', stageType: 'githubWorkflow' });
    await dispatch(stage).expect(503);
    const ours = sim.dispatches[0]?.runId;
    expect(runOf(ours)?.status).toBe('queued');

    // The user cancels the execution; Orca stops retrying and sends no cancel.
    gate.cancelExecution(stage.executionId);
    // Meanwhile the other stage took its run, so ours can be told.
    await recordDispatch(store.db, {
      key: 'other',
      owner: 'octo-org',
      repo: 'hello-world',
      correlationId: 'c',
      request: '{}',
    });
    await setDispatchRun(store.db, 'other', Number(other.id));
    await watch.drain();

    expect(runOf(ours)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(runOf(Number(other.id))?.status).toBe('queued');
    // Done with it: later passes leave Gate alone.
    const reads = gate.requests.length;
    await watch.drain();
    expect(gate.requests.length).toBe(reads);
  });

  it('leaves the run alone while the stage runs, and for good once the stage succeeded without waiting', async () => {
    const stage = gate.addRunningExecution({ application: 'hello', stageType: 'githubWorkflow' });
    const { body } = await dispatch(stage).expect(200);

    await watch.drain();
    expect(runOf(body.runId)?.status).toBe('queued');

    // waitForCompletion false: the stage ends with the dispatch and Orca never polls; a later cancel of the
    // execution is not about this run.
    gate.setStageStatus(stage.executionId, 'SUCCEEDED');
    await watch.drain();
    gate.cancelExecution(stage.executionId);
    gate.setStageStatus(stage.executionId, 'CANCELED');
    await watch.drain();

    expect(runOf(body.runId)?.status).toBe('queued');
  });

  it("does not ask Gate about a run Orca polls: Orca's own cancel reaches it", async () => {
    const stage = gate.addRunningExecution({ application: 'hello', stageType: 'githubWorkflow' });
    const { body } = await dispatch(stage).expect(200);
    await request(app()).get(new URL(body.statusUrl).pathname).set('X-Stage-Secret', STAGE_SECRET).expect(200);
    gate.cancelExecution(stage.executionId);

    await watch.drain();

    expect(gate.requests).not.toContain(`GET /pipelines/${stage.executionId}`);
    expect(runOf(body.runId)?.status).toBe('queued');
  });

  it('stops watching once Orca would have given up retrying', async () => {
    const stage = gate.addRunningExecution({ application: 'hello', stageType: 'githubWorkflow' });
    await dispatch(stage).expect(200);

    clock.advance(11 * 60_000);
    await watch.drain();

    expect(gate.requests).not.toContain(`GET /pipelines/${stage.executionId}`);
  });
});
