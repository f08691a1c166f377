import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import { GithubApp } from '../src/github/githubApp.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { Gate } from '../src/spinnaker/gate.js';
import { useGithubSimulator } from './support/githubServer.js';
import { ACCESS_POLICY, SPINNAKER_UI_URL, STAGE_SECRET, WEBHOOK_SECRET, useTempStore } from './support/app.js';
import { strangerKey } from './support/githubApp.js';

const sim = useGithubSimulator();
const temp = useTempStore();
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];

/** Every log line the backend writes, through its own logger at the most talkative level. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination: stream }), lines };
}

function backend(logger: Logger, privateKey = sim.app.privateKey) {
  const github = new GithubApp({
    github: { appId: sim.app.id, privateKey, webhookSecret: WEBHOOK_SECRET, apiUrl: sim.apiUrl },
    logger,
    octokit: { retryBaseMs: 10 },
  });
  const metrics = createMetrics();
  const app = createApp({
    logger,
    store: temp.store,
    github,
    metrics,
    stageSecret: STAGE_SECRET,
    accessPolicy: ACCESS_POLICY,
    stage: { lookupTimeoutMs: 2_000, lookupIntervalMs: 50 },
    webhooks: { secret: WEBHOOK_SECRET, onDelivery: () => {} },
    statuses: new DeploymentStatuses({
      store: temp.store,
      github,
      gate: new Gate({ url: 'https://gate.example.com', logger }),
      logger,
      spinnakerUiUrl: SPINNAKER_UI_URL,
    }),
  });
  return app;
}

describe('secrets', () => {
  it('no response, log line or metric of a session through every endpoint holds the key, a token or a secret', async () => {
    const { logger, lines } = capturingLogger();
    const app = backend(logger);
    const seen: string[] = [];
    const keep = (res: request.Response) => {
      seen.push(JSON.stringify(res.headers), res.text ?? '');
      return res;
    };
    const stage = (path: string, body: object, secret = STAGE_SECRET) =>
      request(app).post(path).set('x-stage-secret', secret).send(body).then(keep);
    const get = (path: string) =>
      request(app)
        .get(path)
        .set('x-stage-secret', STAGE_SECRET)
        .set('authorization', `Bearer ${STAGE_SECRET}`)
        .then(keep);

    const body = JSON.stringify(examples.find((e) => e.name === 'workflow_run')?.examples[1]);
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    const webhook = (sig: string) =>
      request(app)
        .post('/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'workflow_run')
        .set('x-github-delivery', randomUUID())
        .set('x-hub-signature-256', sig)
        .send(body)
        .then(keep);
    await webhook(signature);
    await webhook(`sha256=${'0'.repeat(64)}`);
    await webhook(signature.replace('sha256=', 'sha1='));

    const dispatched = await stage('/stage/dispatch', {
      executionId: '01JSECRETS',
      stageId: 's1',
      application: 'checkout',
      repository: 'octo-org/hello-world',
      waitForCompletion: true,
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { region: 'eu-west-1', version: '1.2.3' },
    });
    expect(dispatched.status).toBe(200);
    const runId = (dispatched.body as { runId: number }).runId;
    await get(`/stage/runs/octo-org/hello-world/${runId}`);
    await stage('/stage/cancel', { executionId: '01JSECRETS', stageId: 's1' });
    await stage(`/stage/runs/octo-org/hello-world/${runId}/cancel`, {});
    await stage('/stage/dispatch', {}, 'a-wrong-stage-secret');

    for (const path of [
      '/api/repos',
      '/api/repos/octo-org/hello-world/workflows',
      '/api/repos/octo-org/hello-world/workflows/deploy.yml/inputs',
      '/api/repos/octo-org/hello-world/branches',
      '/api/repos/octo-org/hello-world/runs',
      `/api/repos/octo-org/hello-world/runs/${runId}`,
      `/api/repos/octo-org/hello-world/runs/${runId}/jobs`,
      '/api/repos/octo-org/hello-world/jobs/1/logs',
      '/api/repos/octocat/Hello-World/deployments',
      '/api/repos/not-installed/anywhere/workflows',
      '/api/pipeline-starts?status=failed',
      '/health',
      '/ready',
      '/nowhere',
    ])
      await get(path);
    await request(app)
      .post('/events/echo/')
      .send({ details: { source: 'orca', type: 'orca:pipeline:complete' }, content: { executionId: 'x' } })
      .then(keep);
    sim.failNext({ path: /\/installation$/ }, { status: 500, body: { message: 'boom' } });
    sim.failNext({ path: /\/access_tokens$/ }, 'malformed-json');
    await get('/api/repos/octo-org/hello-world/branches?x=1');

    // The App's key refused by GitHub: errors and readiness must still say nothing of it.
    const refused = capturingLogger();
    const wrongKey = backend(refused.logger, strangerKey);
    for (const path of ['/ready', '/api/repos', '/api/repos/octo-org/hello-world/workflows']) {
      await request(wrongKey).get(path).then(keep);
    }
    await get('/metrics');

    const everything = [...seen, ...lines, ...refused.lines].join('\n');
    expect(sim.tokensIssued).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(10);
    const keyBody = (pem: string) =>
      pem
        .split('\n')
        .filter((line) => line && !line.startsWith('-----'))
        .slice(1, 3);
    for (const secret of [WEBHOOK_SECRET, STAGE_SECRET, ...keyBody(sim.app.privateKey), ...keyBody(strangerKey)]) {
      expect(everything.includes(secret), `a secret leaked: ${secret.slice(0, 12)}…`).toBe(false);
    }
    expect(everything).not.toMatch(/ghs_[A-Za-z0-9]{20,}/);
    expect(everything).not.toMatch(/PRIVATE KEY/);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    sim.takeViolations();
  });
});
