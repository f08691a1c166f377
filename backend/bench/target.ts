import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import express, { type Express } from 'express';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import { GithubApp } from '../src/github/githubApp.js';
import { Gate } from '../src/spinnaker/gate.js';
import { openStore } from '../src/store/index.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { STAGE_SECRET, WEBHOOK_SECRET } from './secrets.js';
import { localRequestsOnly } from '../test/support/net.js';

/**
 * One server under load, in its own process so that autocannon does not share its CPU: `baseline` (a bare Express
 * app that verifies the signature and answers 202), `sqlite` or `postgres` (the backend's app and store, with the
 * simulated GitHub in-process through msw). Prints `{"port":…}`; answers `count` over IPC with the CPU time it has
 * used and, for the backend, GitHub requests seen and deliveries stored.
 */

/** CPU time this process has used so far, all of its threads. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function baseline(): Express {
  process.on('message', (message) => {
    if (message === 'count') process.send?.({ cpuMicros: cpuMicros() });
  });
  const webhooks = new Webhooks({ secret: WEBHOOK_SECRET });
  const app = express();
  app.post('/webhooks/github', express.raw({ type: () => true, limit: '25mb' }), async (req, res) => {
    const ok = await webhooks.verify((req.body as Buffer).toString('utf8'), req.get('x-hub-signature-256') ?? '');
    res.status(ok ? 202 : 401).json({ accepted: ok });
  });
  return app;
}

async function backend(kind: 'sqlite' | 'postgres') {
  // As in production: every delivery logged at `info`, here to /dev/null.
  const logger = createLogger({
    level: process.env.BENCH_LOG_LEVEL ?? 'info',
    destination: pino.destination({ dest: '/dev/null', sync: true }),
  });
  const sim = createGithubSimulator();
  setupServer(...sim.handlers).listen(localRequestsOnly);
  const run = sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', status: 'in_progress' });
  const store = await openStore({
    databaseUrl: kind === 'postgres' ? process.env.BENCH_DATABASE_URL : undefined,
    databaseFile: join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench.db'),
    logger,
  });
  const github = new GithubApp({
    github: { appId: sim.app.id, privateKey: sim.app.privateKey, webhookSecret: WEBHOOK_SECRET, apiUrl: sim.apiUrl },
    logger,
  });
  const gate = new Gate({ url: 'http://127.0.0.1:9', logger });
  const app = createApp({
    logger,
    store,
    github,
    stageSecret: STAGE_SECRET,
    accessPolicy: { applications: {} },
    webhooks: { secret: WEBHOOK_SECRET, onDelivery: () => {} },
    statuses: new DeploymentStatuses({ store, github, gate, logger, spinnakerUiUrl: 'https://spinnaker.example.com' }),
  });
  process.on('message', (message) => {
    if (message !== 'count') return;
    void store.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then(({ n }) =>
        process.send?.({
          githubRequests: sim.requests.length,
          runId: run.id,
          storedDeliveries: Number(n),
          cpuMicros: cpuMicros(),
        }),
      );
  });
  return app;
}

const kind = process.argv[2];
const app = kind === 'baseline' ? baseline() : await backend(kind === 'postgres' ? 'postgres' : 'sqlite');
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGINT', () => process.exit(0));
