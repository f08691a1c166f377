import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import pg from 'pg';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Gate } from '../src/spinnaker/gate.js';
import { openStore, type Store } from '../src/store/index.js';
import { DeliveryWorker } from '../src/triggers/deliveryWorker.js';
import type { PipelineConfig } from '../src/triggers/matching.js';
import { PipelineCache } from '../src/triggers/pipelineCache.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { WEBHOOK_SECRET, appFor } from './support/app.js';
import { TestClock } from './support/clock.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';
import { localRequestsOnly } from './support/net.js';
import { SEED } from '../emulators/github/simulator.js';

const github = createGithubSimulator();
const gate = new GateSimulator();
/** Requests to hold before they reach the simulators, and for how long. */
const slow = { github: 0, gate: 0, ms: 0 };
const server = setupServer(
  http.all(`${github.apiUrl}/repos/*`, async () => {
    if (slow.github <= 0) return;
    slow.github -= 1;
    await delay(slow.ms);
  }),
  http.post(`${gate.url}/pipelines/*`, async () => {
    if (slow.gate <= 0) return;
    slow.gate -= 1;
    await delay(slow.ms);
  }),
  ...github.handlers,
  ...gate.handlers,
);

beforeAll(() => server.listen(localRequestsOnly));
afterAll(() => server.close());
afterEach(() => {
  Object.assign(slow, { github: 0, gate: 0, ms: 0 });
  const violations = github.takeViolations();
  github.reset();
  gate.reset();
  expect(violations).toEqual([]);
});

const RUN = '/repos/{owner}/{repo}/actions/runs/{run_id}';
const dirs: string[] = [];
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function tempStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  dirs.push(dir);
  const store = await openStore({ databaseFile: join(dir, 'store.db'), logger: silentLogger });
  stores.push(store);
  return store;
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];
const workflowRun = JSON.stringify(examples.find((e) => e.name === 'workflow_run')?.examples[1]);
const PIPELINE: PipelineConfig = {
  id: 'on-test',
  name: 'On test',
  application: 'checkout',
  triggers: [{ type: 'githubWorkflowRun', enabled: true, repository: 'octo-org/octo-repo', workflow: 'test.yml' }],
};

/** Retries wait a second, doubling up to a minute; `settle` moves the worker's clock past them. */
const MAX_RETRY_DELAY_MS = 60_000;

function workerFor(store: Store, gateTimeoutMs = 15_000) {
  const client = new Gate({ url: gate.url, logger: silentLogger, timeoutMs: gateTimeoutMs });
  const clock = new TestClock();
  const worker = new DeliveryWorker({
    store,
    gate: client,
    pipelines: new PipelineCache(client, silentLogger, 0),
    logger: silentLogger,
    clock,
    retryBaseMs: 1_000,
    maxRetryDelayMs: MAX_RETRY_DELAY_MS,
  });
  return { worker, clock };
}

function deliver(store: Store, id = randomUUID()) {
  return request(appFor(github, store))
    .post('/webhooks/github')
    .set('content-type', 'application/json')
    .set('x-github-event', 'workflow_run')
    .set('x-github-delivery', id)
    .set('x-hub-signature-256', `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(workflowRun).digest('hex')}`)
    .send(workflowRun);
}

/** Drains, then lets the longest retry delay pass, `rounds` times. A failed round is retried, as the worker's loop does. */
async function settle({ worker, clock }: ReturnType<typeof workerFor>, rounds = 5) {
  for (let i = 0; i < rounds; i++) {
    await worker.drain().catch(() => undefined);
    clock.advance(MAX_RETRY_DELAY_MS);
  }
}

const helloWorld = { owner: 'octo-org', repo: 'hello-world' };
const runs = SEED.repos['octo-org/hello-world'].runs;

describe('GitHub faults', () => {
  it('a GitHub that does not answer in time is abandoned and asked again', async () => {
    const { reads } = githubAppFor(github, { readFreshForMs: 0, timeoutMs: 300 });
    slow.github = 1;
    slow.ms = 5_000;

    const answer = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(answer.id).toBe(runs.success);
    expect(github.count('GET', RUN)).toBe(1);
  });

  it('malformed JSON from GitHub is a 502 that is not cached; the next read gets the run', async () => {
    const app = appFor(github, await tempStore());
    github.failNext({ method: 'GET', path: RUN }, 'malformed-json');
    const path = `/api/repos/octo-org/hello-world/runs/${runs.success}`;

    const failed = await request(app).get(path);
    expect(failed.status, JSON.stringify(failed.body)).toBe(502);
    expect(failed.body.error.message).toMatch(/malformed JSON/);
    const ok = await request(app).get(path).expect(200);
    expect(ok.body).toMatchObject({ id: runs.success });
  });
});

describe('Gate faults', () => {
  it('a Gate that answers after the timeout has the pipeline started once', async () => {
    gate.pipelines = [PIPELINE];
    const store = await tempStore();
    const deliveries = workerFor(store, 200);
    slow.gate = 1;
    slow.ms = 300;
    await deliver(store).expect(202);

    // The abandoned request reaches Gate after all; the retry waits twice the timeout, finds it and starts nothing.
    await deliveries.worker.drain();
    expect(gate.executions.size).toBe(0);
    await vi.waitFor(() => expect(gate.executions.size).toBe(1), { timeout: 5_000 });
    await settle(deliveries);

    expect(gate.executions.size).toBe(1);
    const start = await store.db.selectFrom('pipeline_starts').selectAll().executeTakeFirst();
    expect(start).toMatchObject({ status: 'started', execution_id: [...gate.executions.keys()][0] });
  });
});

const postgresUrl = inject('postgresUrl');

describe.skipIf(!postgresUrl)('database faults', () => {
  it('PostgreSQL dropping every connection (a restart) loses no delivery and starts each pipeline once', async () => {
    gate.pipelines = [PIPELINE];
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    const database = `faults_${randomUUID().replace(/-/g, '')}`;
    await admin.query(`create database ${database}`);
    const url = new URL(postgresUrl ?? '');
    url.pathname = `/${database}`;
    const store = await openStore({ databaseUrl: url.toString(), databaseFile: '', logger: silentLogger });
    try {
      const deliveries = workerFor(store);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      await deliver(store, ids[0]).expect(202);
      await deliver(store, ids[1]).expect(202);

      const restart = () =>
        admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database]);
      await restart();
      // The pool finds its connections dead; GitHub redelivers anything not acknowledged.
      let third = await deliver(store, ids[2]);
      if (third.status !== 202) third = await deliver(store, ids[2]);
      expect(third.status).toBe(202);
      await restart();
      await settle(deliveries);

      expect(gate.starts.map((s) => s.trigger.eventId).sort()).toEqual([...ids].sort());
      const processed = await store.db.selectFrom('deliveries').select('status').execute();
      expect(processed.map((row) => row.status)).toEqual(['processed', 'processed', 'processed']);
    } finally {
      await store.close();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });
});
