import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import type { GithubApp } from '../src/github/githubApp.js';
import { Gate } from '../src/spinnaker/gate.js';
import { linksOfDeployment, openStore, type Store } from '../src/store/index.js';
import { DeliveryWorker } from '../src/triggers/deliveryWorker.js';
import { DEPLOYMENT_TRIGGER, type PipelineConfig } from '../src/triggers/matching.js';
import { PipelineCache } from '../src/triggers/pipelineCache.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { SPINNAKER_UI_URL, WEBHOOK_SECRET, appFor } from './support/app.js';
import { TestClock } from './support/clock.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';
import { localRequestsOnly } from './support/net.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

const DEPLOYMENT_ID = 145988746;
const STATUSES = '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

/**
 * The real `deployment` `created` example (Codertocat/Hello-World, production, master), moved to the simulated
 * GitHub's octocat/Hello-World, where the App is installed and the deployment exists.
 */
function deploymentEvent(): Record<string, unknown> {
  const payload = structuredClone(examples.find((e) => e.name === 'deployment')?.examples[0]) as Record<
    string,
    unknown
  >;
  const repository = payload.repository as Record<string, unknown>;
  repository.full_name = 'octocat/Hello-World';
  repository.html_url = 'https://github.com/octocat/Hello-World';
  (repository.owner as Record<string, unknown>).login = 'octocat';
  return payload;
}

const deployPipeline = (id: string, extra: Record<string, unknown> = {}): PipelineConfig => ({
  id,
  name: `Deploy ${id}`,
  application: 'hello',
  triggers: [
    { type: DEPLOYMENT_TRIGGER, enabled: true, repository: 'octocat/Hello-World', environment: 'production', ...extra },
  ],
});

const github = createGithubSimulator();
const gate = new GateSimulator();
const server = setupServer(...github.handlers, ...gate.handlers);
let dir: string;
let store: Store;
let githubApp: GithubApp;
let statuses: DeploymentStatuses;
let worker: DeliveryWorker;
let clock: TestClock;
const FIRST_POLL_MS = 60_000;
const RETRY_BASE_MS = 1_000;

function wire() {
  clock = new TestClock();
  githubApp = githubAppFor(github, { readFreshForMs: 0 }).github;
  const client = new Gate({ url: gate.url, logger: silentLogger });
  statuses = new DeploymentStatuses({
    store,
    github: githubApp,
    gate: client,
    logger: silentLogger,
    spinnakerUiUrl: SPINNAKER_UI_URL,
    clock,
    firstPollMs: FIRST_POLL_MS,
    retryBaseMs: RETRY_BASE_MS,
  });
  worker = new DeliveryWorker({
    store,
    gate: client,
    pipelines: new PipelineCache(client, silentLogger, 0),
    logger: silentLogger,
    clock,
    retryBaseMs: RETRY_BASE_MS,
    onStarted: async (start, executionId) => statuses.pipelineStarted({ ...start, executionId }),
  });
}

beforeAll(() => server.listen(localRequestsOnly));
afterAll(() => server.close());
beforeEach(async () => {
  github.reset();
  gate.reset();
  github.addDeployment({
    id: DEPLOYMENT_ID,
    owner: 'octocat',
    repo: 'Hello-World',
    environment: 'production',
    ref: 'main',
  });
  gate.pipelines = [deployPipeline('prod', { environmentUrlFrom: 'url' })];
  dir = mkdtempSync(join(tmpdir(), 'statuses-'));
  store = await openStore({ databaseFile: join(dir, 'store.db'), logger: silentLogger });
  wire();
});
afterEach(async () => {
  await store.close();
  expect(
    github.takeViolations(),
    'requests to or answers from the simulated GitHub that break its OpenAPI description',
  ).toEqual([]);
});

const app = () =>
  appFor(github, store, {}, undefined, { secret: WEBHOOK_SECRET, onDelivery: () => {} }, () => statuses);

/** GitHub delivers the deployment; the backend starts the matching pipelines and writes in_progress. */
async function deliverDeployment() {
  const body = JSON.stringify(deploymentEvent());
  await request(app())
    .post('/webhooks/github')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', 'deployment')
    .set('X-GitHub-Delivery', randomUUID())
    .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`)
    .send(body)
    .expect(202);
  await worker.drain();
  await statuses.drain();
  return [...gate.executions.values()];
}

/** Orca finishes the execution, and Echo forwards the event as its REST listener does (`wrap: false`). */
async function finish(
  executionId: string,
  status: string,
  outputs: Record<string, unknown> = {},
  { echo = true } = {},
) {
  const execution = gate.executions.get(executionId);
  if (!execution) throw new Error(`no execution ${executionId}`);
  Object.assign(execution, { status, endTime: Date.now(), canceled: status === 'CANCELED' });
  execution.stages = [{ refId: '1', type: 'deployManifest', name: 'Deploy', status, outputs }];
  if (!echo) return;
  const type = ['SUCCEEDED', 'STOPPED', 'SKIPPED'].includes(status) ? 'orca:pipeline:complete' : 'orca:pipeline:failed';
  await request(app())
    .post('/events/echo/')
    .send({
      details: {
        source: 'orca',
        type,
        created: String(Date.now()),
        application: execution.application,
        requestHeaders: {},
      },
      content: { execution, executionId },
      eventId: randomUUID(),
    })
    .expect(200);
}

const written = () =>
  [...(github.deployments.get(DEPLOYMENT_ID)?.statuses ?? [])].reverse().map((s) => ({
    state: s.state,
    description: s.description,
    log_url: s.log_url,
    environment_url: s.environment_url,
  }));

const executionUrl = (id: string) => `${SPINNAKER_UI_URL}/#/applications/hello/executions/details/${id}`;

describe('deployment statuses follow the pipeline', () => {
  it('in_progress while the pipeline runs, then success with the environment URL from a stage output', async () => {
    const [execution] = await deliverDeployment();
    const id = execution?.id ?? '';

    expect(written()).toEqual([
      {
        state: 'in_progress',
        description: 'Spinnaker pipeline Deploy prod is running',
        log_url: executionUrl(id),
        environment_url: undefined,
      },
    ]);

    await finish(id, 'SUCCEEDED', { url: 'https://hello.example.com' });
    await statuses.drain();

    expect(written()).toEqual([
      expect.objectContaining({ state: 'in_progress' }),
      {
        state: 'success',
        description: 'Spinnaker pipeline Deploy prod succeeded',
        log_url: executionUrl(id),
        environment_url: 'https://hello.example.com',
      },
    ]);
    expect(github.requests.find((r) => r.method === 'POST' && r.template === STATUSES)?.caller).toBe('installation:12');
  });

  it('in_progress, then failure when the pipeline ends TERMINAL', async () => {
    const [execution] = await deliverDeployment();
    await finish(execution?.id ?? '', 'TERMINAL');
    await statuses.drain();

    expect(written().map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'Spinnaker pipeline Deploy prod is running'],
      ['failure', 'Spinnaker pipeline Deploy prod failed'],
    ]);
  });

  it('error saying so when the pipeline is cancelled', async () => {
    const [execution] = await deliverDeployment();
    await finish(execution?.id ?? '', 'CANCELED');
    await statuses.drain();

    expect(written().at(-1)).toMatchObject({
      state: 'error',
      description: 'Spinnaker pipeline Deploy prod was cancelled',
    });
  });

  it('finishes the status by polling Gate when the Echo event is lost', async () => {
    const [execution] = await deliverDeployment();
    await finish(execution?.id ?? '', 'SUCCEEDED', {}, { echo: false });
    await statuses.drain();
    expect(written().map((s) => s.state)).toEqual(['in_progress']);

    // The poll comes due.
    clock.advance(FIRST_POLL_MS);
    await statuses.drain();

    expect(written().map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('writes the final status once when the backend restarts between in_progress and the end', async () => {
    const [execution] = await deliverDeployment();

    await store.close();
    store = await openStore({ databaseFile: join(dir, 'store.db'), logger: silentLogger });
    wire();
    await finish(execution?.id ?? '', 'SUCCEEDED');
    await statuses.drain();
    await statuses.drain();

    expect(written().map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('retries when GitHub answers 5xx and writes the status once', async () => {
    github.failNext({ method: 'POST', path: STATUSES, times: 2 }, { status: 502 });
    const [execution] = await deliverDeployment();
    await finish(execution?.id ?? '', 'SUCCEEDED');
    for (let i = 0; i < 5; i++) {
      await statuses.drain();
      clock.advance(4 * RETRY_BASE_MS);
    }

    expect(github.requests.filter((r) => r.method === 'POST' && r.template === STATUSES).map((r) => r.status)).toEqual([
      502, 502, 201, 201,
    ]);
    expect(written().map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('does not write a status twice when GitHub took it but the answer was lost', async () => {
    // GitHub wrote in_progress, then the backend stopped before recording it: the next attempt finds it.
    const [execution] = await deliverDeployment();
    await store.db.updateTable('deployment_status_updates').set({ status: 'pending', next_attempt_at: 0 }).execute();
    await statuses.drain();
    await finish(execution?.id ?? '', 'SUCCEEDED');
    await statuses.drain();

    expect(written().map((s) => s.state)).toEqual(['in_progress', 'success']);
  });
});

describe('a deployment that started several pipelines', () => {
  beforeEach(() => {
    gate.pipelines = [deployPipeline('blue'), deployPipeline('green')];
  });

  it('stays in progress until all have ended, then fails if any failed', async () => {
    const executions = await deliverDeployment();
    const [blue, green] = ['Deploy blue', 'Deploy green'].map(
      (name) => executions.find((e) => e.name === name)?.id ?? '',
    );

    await finish(blue ?? '', 'SUCCEEDED');
    await statuses.drain();
    expect(written().map((s) => s.state)).toEqual(['in_progress']);

    await finish(green ?? '', 'TERMINAL');
    await statuses.drain();
    expect(written().map((s) => [s.state, s.description, s.log_url])).toEqual([
      ['in_progress', expect.stringMatching(/^Spinnaker pipeline Deploy (blue|green) is running$/), expect.any(String)],
      ['failure', 'Spinnaker pipeline Deploy green failed (2 pipelines)', executionUrl(green ?? '')],
    ]);
  });

  it('succeeds when all succeeded', async () => {
    const executions = await deliverDeployment();
    for (const execution of executions) await finish(execution.id, 'SUCCEEDED');
    await statuses.drain();

    expect(written().at(-1)).toMatchObject({ state: 'success', description: 'All 2 Spinnaker pipelines succeeded' });
  });

  it('keeps the environment URL when another replica sees the last pipeline end', async () => {
    gate.pipelines = [deployPipeline('blue', { environmentUrlFrom: 'url' }), deployPipeline('green')];
    await deliverDeployment();
    // The success status names the environment of the deployment's first pipeline.
    const [first, second] = await linksOfDeployment(store.db, DEPLOYMENT_ID);
    await finish(first?.executionId ?? '', 'SUCCEEDED', { url: 'https://blue.example.com' });
    await statuses.drain();

    wire();
    await finish(second?.executionId ?? '', 'SUCCEEDED');
    await statuses.drain();

    expect(written().at(-1)).toMatchObject({ state: 'success', environment_url: 'https://blue.example.com' });
  });
});

describe('stale links end with a reason', () => {
  it('an execution deleted in Spinnaker ends the deployment with error', async () => {
    const [execution] = await deliverDeployment();
    gate.executions.delete(execution?.id ?? '');
    clock.advance(FIRST_POLL_MS);
    await statuses.drain();

    expect(written().at(-1)).toMatchObject({
      state: 'error',
      description: 'Spinnaker execution of Deploy prod was deleted before it finished',
    });
    const link = await store.db.selectFrom('deployment_links').selectAll().executeTakeFirst();
    expect(link).toMatchObject({ state: 'gone', reason: 'the execution no longer exists in Spinnaker' });
  });

  it('a deployment deleted on GitHub is given up on, not retried forever', async () => {
    const [execution] = await deliverDeployment();
    github.deployments.delete(DEPLOYMENT_ID);
    await finish(execution?.id ?? '', 'SUCCEEDED');
    await statuses.drain();
    await statuses.drain();

    const update = await store.db
      .selectFrom('deployment_status_updates')
      .selectAll()
      .where('state', '=', 'success')
      .executeTakeFirst();
    expect(update).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/not found|Not Found/i) });
    expect(
      github.requests.filter((r) => r.method === 'POST' && r.template === STATUSES && r.status === 404),
    ).toHaveLength(1);
  });
});

describe('POST /events/echo', () => {
  it('ignores events for executions it does not follow, and other events, without asking anyone', async () => {
    const res = await request(app())
      .post('/events/echo/')
      .send({ details: { source: 'orca', type: 'orca:pipeline:complete' }, content: { executionId: 'someone-elses' } })
      .expect(200);
    const stage = await request(app())
      .post('/events/echo')
      .send({ details: { source: 'orca', type: 'orca:stage:complete' }, content: { executionId: 'x' } })
      .expect(200);

    expect(res.body).toEqual({ accepted: true, relevant: false });
    expect(stage.body.relevant).toBe(false);
    expect(gate.requests).toEqual([]);
  });

  it('does not believe the event: a forged "complete" for a running execution changes nothing', async () => {
    const [execution] = await deliverDeployment();
    await request(app())
      .post('/events/echo/')
      .send({
        details: { source: 'orca', type: 'orca:pipeline:complete' },
        content: { executionId: execution?.id, execution: { ...execution, status: 'SUCCEEDED' } },
      })
      .expect(200);
    await statuses.drain();

    expect(written().map((s) => s.state)).toEqual(['in_progress']);
  });

  it('accepts the events Echo forwards without a source or details, and acts on none of them', async () => {
    // Echo sends every event to every endpoint and drops null fields; it logs a 4xx at ERROR and counts it.
    const [execution] = await deliverDeployment();
    const executionId = execution?.id ?? '';
    const gateReads = gate.requests.length;
    const events = [
      // Gate's manual trigger through Echo (gate PipelineService.triggerViaEcho).
      {
        content: {
          application: 'hello',
          pipelineNameOrId: 'prod',
          trigger: { eventId: randomUUID(), executionId },
          user: 'alice@example.com',
        },
        details: { type: 'manual' },
        eventId: randomUUID(),
      },
      // A Pub/Sub message (echo PubsubEventCreator).
      {
        content: { messageDescription: { subscriptionName: 'builds' } },
        details: { type: 'pubsub' },
        eventId: randomUUID(),
      },
      { content: { executionId }, eventId: randomUUID() },
    ];

    for (const event of events) {
      const res = await request(app()).post('/events/echo/').send(event).expect(200);
      expect(res.body).toEqual({ accepted: true, relevant: false });
    }
    await statuses.drain();

    expect(gate.requests).toHaveLength(gateReads);
    expect(written().map((s) => s.state)).toEqual(['in_progress']);
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    const res = await request(app())
      .post('/events/echo/')
      .send([{ details: { source: 'orca' } }])
      .expect(400);

    expect(res.body.error.message).toMatch(/^Invalid request: body /);
  });
});
