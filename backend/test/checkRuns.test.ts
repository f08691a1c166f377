import { randomUUID } from 'node:crypto';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { CheckRuns } from '../src/checks/checkRuns.js';
import { inertMarkdown } from '../src/checks/checkRunOutput.js';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import { createMetrics } from '../src/metrics.js';
import { Gate } from '../src/spinnaker/gate.js';
import type { Store } from '../src/store/index.js';
import { DeliveryWorker } from '../src/triggers/deliveryWorker.js';
import { WORKFLOW_RUN_TRIGGER, type PipelineConfig } from '../src/triggers/matching.js';
import { PipelineCache } from '../src/triggers/pipelineCache.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { ACCESS_POLICY, SPINNAKER_UI_URL, STAGE_SECRET, WEBHOOK_SECRET } from './support/app.js';
import { TestClock } from './support/clock.js';
import { collectEvents, deliver } from './support/deliveries.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';
import { localRequestsOnly } from './support/net.js';
import { DIALECTS, sqliteTarget, targetOf, type Target } from './support/stores.js';

const OWNER = 'octo-org';
const REPO = 'hello-world';
const FIRST_POLL_MS = 30_000;
const RETRY_BASE_MS = 1_000;
const LEASE_MS = 60_000;

const pipeline = (trigger: Record<string, unknown> = { checkRun: true }): PipelineConfig =>
  ({
    id: 'ship',
    name: 'Ship it',
    application: 'hello',
    triggers: [
      { type: WORKFLOW_RUN_TRIGGER, enabled: true, repository: `${OWNER}/${REPO}`, workflow: 'ci.yml', ...trigger },
    ],
    stages: [
      { refId: '1', type: 'githubWorkflow', name: 'Build' },
      { refId: '2', type: 'deployManifest', name: 'Deploy' },
    ],
  }) as PipelineConfig;

const github = createGithubSimulator();
const gate = new GateSimulator();
const server = setupServer(...github.handlers, ...gate.handlers);
let target: Target;
let store: Store;
let clock: TestClock;

/** One backend process: its own GitHub client, check run worker, delivery worker and app, on the shared store. */
function replica() {
  const { github: app } = githubAppFor(github, { readFreshForMs: 0 });
  const client = new Gate({ url: gate.url, logger: silentLogger });
  const checkRuns = new CheckRuns({
    store,
    github: app,
    gate: client,
    logger: silentLogger,
    spinnakerUiUrl: SPINNAKER_UI_URL,
    clock,
    firstPollMs: FIRST_POLL_MS,
    retryBaseMs: RETRY_BASE_MS,
    leaseMs: LEASE_MS,
  });
  const worker = new DeliveryWorker({
    store,
    gate: client,
    pipelines: new PipelineCache(client, silentLogger, 0),
    logger: silentLogger,
    clock,
    onStarted: async (start, executionId) => {
      await checkRuns.pipelineStarted({ executionId, trigger: start.trigger });
    },
  });
  const statuses = new DeploymentStatuses({
    store,
    github: app,
    gate: client,
    logger: silentLogger,
    spinnakerUiUrl: SPINNAKER_UI_URL,
    clock,
  });
  const http = createApp({
    logger: silentLogger,
    store,
    github: app,
    metrics: createMetrics(),
    stageSecret: STAGE_SECRET,
    accessPolicy: ACCESS_POLICY,
    stage: { lookupTimeoutMs: 3_000, lookupIntervalMs: 100 },
    webhooks: { secret: WEBHOOK_SECRET, onDelivery: () => {} },
    statuses,
    checkRuns,
  });
  return { checkRuns, worker, http };
}

let backend: ReturnType<typeof replica>;

beforeAll(() => server.listen(localRequestsOnly));
afterAll(() => server.close());

async function open(kind: 'sqlite' | 'postgres' = 'sqlite') {
  target = kind === 'sqlite' ? sqliteTarget() : await targetOf(kind);
  store = await target.open();
  clock = new TestClock();
  backend = replica();
}

beforeEach(() => {
  github.reset();
  gate.reset();
  gate.pipelines = [pipeline()];
});
afterEach(async () => {
  await store?.close();
  await target?.drop();
  expect(github.takeViolations(), 'requests to or answers from the simulated GitHub that break its OpenAPI').toEqual(
    [],
  );
});

/** A CI run on main completes; GitHub delivers `workflow_run` and the backend starts the pipeline. */
async function ciRunCompletes() {
  const events = collectEvents(github);
  const run = github.addRun({ owner: OWNER, repo: REPO, workflow: 'ci.yml', status: 'in_progress' });
  github.setRunStatus(Number(run.id), 'completed', 'success');
  for (const event of events.take().filter((e) => e.name === 'workflow_run')) await deliver(backend.http, event);
  await backend.worker.drain();
  const execution = [...gate.executions.values()][0];
  if (!execution) throw new Error('no pipeline was started');
  return { execution, sha: run.head_sha };
}

/** Orca moves the execution on, and Echo forwards the event as its REST listener does (`wrap: false`). */
async function orca(executionId: string, status: string, stages: string[], type = 'orca:pipeline:complete') {
  const execution = gate.executions.get(executionId);
  if (!execution) throw new Error(`no execution ${executionId}`);
  execution.status = status;
  execution.canceled = status === 'CANCELED';
  if (!['RUNNING', 'NOT_STARTED'].includes(status)) execution.endTime = Date.now();
  execution.stages.forEach((stage, i) => (stage.status = stages[i] ?? stage.status));
  await request(backend.http)
    .post('/events/echo/')
    .send({
      details: { source: 'orca', type, application: execution.application },
      content: { executionId, execution },
      eventId: randomUUID(),
    })
    .expect(200);
}

const checkRunsOn = (sha: string) => github.checkRunsOn(OWNER, REPO, sha);
const checkRequests = () =>
  github.requests.filter((r) => r.operationId?.startsWith('checks/')).map((r) => `${r.operationId} ${r.status}`);
const detailsUrl = (id: string) => `${SPINNAKER_UI_URL}/#/applications/hello/executions/details/${id}`;

describe('a pipeline started by a trigger with checkRun', () => {
  beforeEach(() => open());

  it('shows one check run that is in progress while the pipeline runs, then succeeds', async () => {
    const { execution, sha } = await ciRunCompletes();
    await orca(execution.id, 'RUNNING', ['RUNNING'], 'orca:pipeline:starting');
    await backend.checkRuns.drain();

    const [running] = checkRunsOn(sha);
    expect(checkRunsOn(sha)).toHaveLength(1);
    expect(running).toMatchObject({
      name: 'spinnaker/hello/Ship it',
      status: 'in_progress',
      conclusion: null,
      details_url: detailsUrl(execution.id),
      external_id: execution.id,
      output: { title: 'Pipeline running: 0 of 2 stages done' },
      app: { id: github.app.id },
    });
    expect(running?.output.summary).toContain('| Build | RUNNING |');

    await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)).toHaveLength(1);
    expect(checkRunsOn(sha)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Pipeline succeeded: 2 of 2 stages done' },
    });
    expect(checkRunsOn(sha)[0]?.output.summary).toContain('| Build | SUCCEEDED |\n| Deploy | SUCCEEDED |');
    expect(checkRequests()).toEqual(['checks/create 201', 'checks/update 200']);
    // Done: later drains and events cost GitHub nothing.
    await orca(execution.id, 'SUCCEEDED', []);
    clock.advance(10 * FIRST_POLL_MS);
    await backend.checkRuns.drain();
    expect(checkRequests()).toHaveLength(2);
  });

  it.each([
    ['TERMINAL', 'failure', ['SUCCEEDED', 'TERMINAL'], 'Pipeline failed: 2 of 2 stages done'],
    ['CANCELED', 'cancelled', ['SUCCEEDED', 'CANCELED'], 'Pipeline cancelled: 2 of 2 stages done'],
    ['STOPPED', 'failure', ['STOPPED', 'NOT_STARTED'], 'Pipeline failed: 1 of 2 stages done'],
  ])(
    'an execution that ends %s completes the check run with conclusion %s',
    async (status, conclusion, stages, title) => {
      const { execution, sha } = await ciRunCompletes();
      await backend.checkRuns.drain();
      await orca(execution.id, status, stages, 'orca:pipeline:failed');
      await backend.checkRuns.drain();

      expect(checkRunsOn(sha)).toEqual([
        expect.objectContaining({ status: 'completed', conclusion, output: expect.objectContaining({ title }) }),
      ]);
    },
  );

  it('moves the stage summary on with stage events, and finishes by polling Gate when Echo is silent', async () => {
    const { execution, sha } = await ciRunCompletes();
    await backend.checkRuns.drain();
    await orca(execution.id, 'RUNNING', ['SUCCEEDED', 'RUNNING'], 'orca:stage:complete');
    await backend.checkRuns.drain();
    expect(checkRunsOn(sha)[0]?.output.title).toBe('Pipeline running: 1 of 2 stages done');

    // The pipeline ends, and no event comes: the next poll sees it.
    Object.assign(gate.executions.get(execution.id) ?? {}, { status: 'SUCCEEDED', endTime: Date.now() });
    await backend.checkRuns.drain();
    expect(checkRunsOn(sha)[0]?.status).toBe('in_progress');
    clock.advance(2 * FIRST_POLL_MS);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('moves the stage summary on when Orca skips a stage', async () => {
    const { execution, sha } = await ciRunCompletes();
    await backend.checkRuns.drain();
    await orca(execution.id, 'RUNNING', ['SKIPPED', 'RUNNING'], 'orca:stage:skipped');
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)[0]?.output.title).toBe('Pipeline running: 1 of 2 stages done');
    expect(checkRunsOn(sha)[0]?.output.summary).toContain('| Build | SKIPPED |');
  });

  it('renders pipeline, stage and GitHub text inert in the summary', async () => {
    const hostile = '**bold** <img src=x onerror=alert(1)> [x](https://evil.example) @octocat #1 | `code`\n# head';
    gate.pipelines = [{ ...pipeline(), name: 'Ship <b>it</b>' }];
    const { execution, sha } = await ciRunCompletes();
    const live = gate.executions.get(execution.id);
    if (live?.stages[0]) live.stages[0].name = hostile;
    live!.trigger.linkText = '[click](javascript:alert(1))';
    await backend.checkRuns.drain();

    const summary = checkRunsOn(sha)[0]?.output.summary ?? '';
    const cell = /^\| (.*) \| NOT\\_STARTED \|$/m.exec(summary)?.[1] ?? '';
    expect(cell).toBe(inertMarkdown(hostile));
    // Every ASCII punctuation character in the user's text is backslash-escaped: CommonMark renders it as itself.
    const unescaped = /(?<!\\)[!-/:-@[-`{-~]/;
    expect(cell.replace(/\\[!-/:-@[-`{-~]/g, '')).not.toMatch(unescaped);
    expect(summary).toContain('**Ship \\<b\\>it\\<\\/b\\>**');
    expect(summary).toContain('Started for \\[click\\]\\(javascript\\:alert\\(1\\)\\).');
    // Mentions and issue references are broken by a zero-width space, and the text stays on its table row.
    for (const raw of ['@octocat', '#1', '\n# head']) expect(summary).not.toContain(raw);
  });

  it('reports nothing for a trigger that did not ask for a check run', async () => {
    gate.pipelines = [pipeline({})];
    const { sha } = await ciRunCompletes();
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)).toEqual([]);
    expect(checkRequests()).toEqual([]);
  });

  it('ends the check run as cancelled when the execution is deleted from Spinnaker', async () => {
    const { execution, sha } = await ciRunCompletes();
    await backend.checkRuns.drain();
    gate.executions.delete(execution.id);
    clock.advance(FIRST_POLL_MS);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      details_url: detailsUrl(execution.id),
      output: { title: 'Pipeline execution deleted' },
    });
  });
});

describe('restarts and failures', () => {
  beforeEach(() => open());

  /** The pipeline fails, then Deck's Restart on the failed stage runs it again and Echo forwards the stage's start. */
  async function failedThenRestarted() {
    const started = await ciRunCompletes();
    const { id } = started.execution;
    await backend.checkRuns.drain();
    await orca(id, 'TERMINAL', ['SUCCEEDED', 'TERMINAL'], 'orca:pipeline:failed');
    await backend.checkRuns.drain();
    delete gate.executions.get(id)?.endTime;
    await orca(id, 'RUNNING', ['SUCCEEDED', 'RUNNING'], 'orca:stage:starting');
    await backend.checkRuns.drain();
    return started;
  }

  it('updates the same check run after the backend restarts', async () => {
    const { execution, sha } = await ciRunCompletes();
    await backend.checkRuns.drain();

    backend = replica();
    await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
  });

  it('finds the check run by its external id when the process stopped after GitHub created it', async () => {
    const { execution, sha } = await ciRunCompletes();
    await backend.checkRuns.drain();
    // GitHub created it, then the process stopped before storing its id: the row says one create was tried.
    await store.db.updateTable('check_runs').set({ check_run_id: null, sent: null }).execute();
    clock.advance(LEASE_MS + FIRST_POLL_MS);
    backend = replica();
    await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
    expect(checkRequests()).toEqual(['checks/create 201', 'checks/list-for-ref 200', 'checks/update 200']);
  });

  it('gives a restarted execution a new check run, which the commit then shows, as GitHub keeps a completed one', async () => {
    const { execution, sha } = await failedThenRestarted();

    const [failed, rerun] = checkRunsOn(sha);
    expect(checkRunsOn(sha)).toHaveLength(2);
    expect(failed).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(rerun).toMatchObject({
      name: failed?.name,
      status: 'in_progress',
      external_id: execution.id,
      details_url: detailsUrl(execution.id),
      output: { title: 'Pipeline running: 1 of 2 stages done' },
    });

    await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
    await backend.checkRuns.drain();
    expect(checkRunsOn(sha).map((run) => run.conclusion)).toEqual(['failure', 'success']);
    expect(checkRequests()).toEqual([
      'checks/create 201',
      'checks/update 200',
      'checks/create 201',
      'checks/update 200',
    ]);

    // A late event of the ended execution reads Gate again and costs GitHub nothing.
    await orca(execution.id, 'SUCCEEDED', [], 'orca:pipeline:complete');
    await backend.checkRuns.drain();
    expect(checkRequests()).toHaveLength(4);
  });

  it('finds the check run a restart created when the process stopped before storing it, not the completed one', async () => {
    const { execution, sha } = await failedThenRestarted();
    // GitHub created the new one, then the process stopped before storing its id.
    await store.db.updateTable('check_runs').set({ check_run_id: null, check_run_completed: 1 }).execute();
    clock.advance(LEASE_MS + FIRST_POLL_MS);
    backend = replica();
    await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
    await backend.checkRuns.drain();

    expect(checkRunsOn(sha).map((run) => `${run.status} ${run.conclusion}`)).toEqual([
      'completed failure',
      'completed success',
    ]);
  });

  it('retries when GitHub answers 5xx, and creates the check run once', async () => {
    // Octokit retries a 5xx three times itself; the fifth failure reaches the worker, which tries again later.
    github.failNext({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', times: 5 }, { status: 502 });
    const { sha } = await ciRunCompletes();
    for (let i = 0; i < 4; i++) {
      await backend.checkRuns.drain();
      clock.advance(4 * RETRY_BASE_MS);
    }

    expect(checkRunsOn(sha)).toHaveLength(1);
    expect(checkRequests()).toEqual([
      ...Array(4).fill('checks/create 502'),
      'checks/list-for-ref 200',
      'checks/create 502',
      'checks/create 201',
    ]);
  });

  it('gives up, once, when the App lacks the checks permission', async () => {
    for (const installation of github.installations.values()) {
      const { checks: _checks, ...rest } = installation.data.permissions as Record<string, string>;
      installation.data.permissions = rest;
    }
    await ciRunCompletes();
    await backend.checkRuns.drain();
    clock.advance(10 * FIRST_POLL_MS);
    await backend.checkRuns.drain();

    expect(checkRequests()).toEqual(['checks/create 403']);
    expect(await store.db.selectFrom('check_runs').select(['state', 'last_error']).execute()).toEqual([
      { state: 'failed', last_error: expect.stringMatching(/Resource not accessible by integration/) },
    ]);
  });
});

for (const { kind, skipped } of DIALECTS) {
  describe.skipIf(skipped !== undefined)(`two replicas on the ${kind} store${skipped ? ` (${skipped})` : ''}`, () => {
    beforeEach(() => open(kind));

    it('create one check run and complete it once, whichever replica sees what', async () => {
      const { execution, sha } = await ciRunCompletes();
      const other = replica();
      await Promise.all([backend.checkRuns.drain(), other.checkRuns.drain()]);
      await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
      await Promise.all([other.checkRuns.drain(), backend.checkRuns.drain()]);

      expect(checkRunsOn(sha)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
      expect(checkRequests()).toEqual(['checks/create 201', 'checks/update 200']);
    });

    it('a replica that stopped holding a check run leaves it to the other once its lease runs out', async () => {
      const { execution, sha } = await ciRunCompletes();
      await backend.checkRuns.drain();
      await orca(execution.id, 'SUCCEEDED', ['SUCCEEDED', 'SUCCEEDED']);
      // The first replica claims it and stops before doing anything.
      const { claimDueCheckRuns } = await import('../src/store/index.js');
      expect(await claimDueCheckRuns(store, { now: clock.now(), leaseMs: LEASE_MS })).toHaveLength(1);
      const other = replica();
      await other.checkRuns.drain();
      expect(checkRunsOn(sha)[0]?.status).toBe('in_progress');

      clock.advance(LEASE_MS);
      await other.checkRuns.drain();

      expect(checkRunsOn(sha)).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
    });
  });
}

describe('a GitHub Workflow stage with checkRun', () => {
  beforeEach(() => open());

  it("reports its pipeline on the commit of the run it dispatched, with Orca's execution id", async () => {
    const { executionId, stageId, stageStartTime } = gate.addRunningExecution({
      application: 'hello',
      stageType: 'githubWorkflow',
    });
    const res = await request(backend.http)
      .post('/stage/dispatch')
      .set('X-Stage-Secret', STAGE_SECRET)
      .send({
        executionId,
        stageId,
        stageStartTime,
        application: 'hello',
        repository: `${OWNER}/${REPO}`,
        waitForCompletion: true,
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { region: 'eu-west-1', version: '1.2.3' },
        checkRun: 'true',
      })
      .expect(200);
    await backend.checkRuns.drain();

    const sha = res.body.headSha as string;
    expect(checkRunsOn(sha)).toEqual([
      expect.objectContaining({
        name: 'spinnaker/hello/Deploy',
        status: 'in_progress',
        external_id: executionId,
        details_url: detailsUrl(executionId),
      }),
    ]);
  });
});

describe('inertMarkdown', () => {
  it('escapes every ASCII punctuation character and keeps letters, digits and spaces', () => {
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    const escaped = inertMarkdown(`a1 ${punctuation}`, 1000);

    expect(escaped.replace(/\u200b/g, '')).toBe(`a1 ${[...punctuation].map((c) => `\\${c}`).join('')}`);
  });

  it('puts text on one line and clips it', () => {
    expect(inertMarkdown('one\r\ntwo\u2028three')).toBe('one two three');
    expect(inertMarkdown('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
