import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { http, HttpResponse } from 'msw';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEPLOYMENT_TRIGGER, type PipelineConfig } from '../src/triggers/matching.js';
import { createGithubSimulator, type GithubSimulator } from '../emulators/github/simulator.js';
import { GateSimulator } from '../emulators/spinnaker/gateSimulator.js';
import { serveHandlers, type HandlerServer } from './support/handlerServer.js';
import { freePort } from './support/net.js';
import { serviceProxy } from './support/serviceProxy.js';

const postgresUrl = inject('postgresUrl');
const WEBHOOK_SECRET = 'replica-webhook-secret';
const STAGE_SECRET = 'replica-stage-secret-0123456789';
const LEASE_MS = 2_000;

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const example = (event: string, index: number) =>
  structuredClone(examples.find((e) => e.name === event)?.examples[index]) as Record<string, unknown>;

/** The recorded `deployment` example moved to octocat/Hello-World, where the simulated App is installed. */
function deploymentEvent(deploymentId: number): Record<string, unknown> {
  const payload = example('deployment', 0);
  const repository = payload.repository as Record<string, unknown>;
  repository.full_name = 'octocat/Hello-World';
  repository.html_url = 'https://github.com/octocat/Hello-World';
  (repository.owner as Record<string, unknown>).login = 'octocat';
  (payload.deployment as Record<string, unknown>).id = deploymentId;
  return payload;
}

const PIPELINES: PipelineConfig[] = [
  {
    id: 'on-test',
    name: 'On test',
    application: 'checkout',
    triggers: [{ type: 'githubWorkflowRun', enabled: true, repository: 'octo-org/octo-repo', workflow: 'test.yml' }],
  },
  {
    id: 'on-test-by-name',
    name: 'On test by name',
    application: 'checkout',
    triggers: [{ type: 'githubWorkflowRun', enabled: true, repository: 'octo-org/octo-repo', workflow: 'test' }],
  },
  {
    id: 'deploy',
    name: 'Deploy',
    application: 'hello',
    triggers: [
      { type: DEPLOYMENT_TRIGGER, enabled: true, repository: 'octocat/Hello-World', environment: 'production' },
    ],
  },
];

interface Replica {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  env: Record<string, string>;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const up = () =>
    fetch(`${url}/health`).then(
      (res) => res.ok,
      () => false,
    );
  for (let i = 0; i < 300 && child.exitCode === null && !(await up()); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await up())) throw new Error(`the replica did not start: ${output}`);
  return { url, child, output: () => output, env };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function deliver(replica: Replica, event: string, payload: unknown, id = randomUUID()): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${replica.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}

describe.skipIf(!postgresUrl)('two replicas on one PostgreSQL', () => {
  let github: GithubSimulator;
  let gate: GateSimulator;
  // Replica B's Gate holds every pipeline start until B is killed, so that B dies with its claimed work unfinished
  // however fast it works: without this, B could finish what it had claimed before the kill landed.
  let releaseB = () => {};
  const heldForB = new Promise<void>((resolve) => (releaseB = resolve));
  const servers: HandlerServer[] = [];
  const replicas: Replica[] = [];
  let admin: pg.Client;
  let db: pg.Client;
  const database = `replicas_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${database}`);
    const databaseUrl = new URL(postgresUrl ?? '');
    databaseUrl.pathname = `/${database}`;
    db = new pg.Client({ connectionString: databaseUrl.toString() });
    await db.connect();

    servers.push(
      await serveHandlers((url) => {
        github = createGithubSimulator({ apiUrl: url });
        return github.handlers;
      }),
      await serveHandlers((url) => {
        gate = new GateSimulator(url);
        return gate.handlers;
      }),
      await serveHandlers((url) => {
        const gateForB = new GateSimulator(url);
        gateForB.pipelines = PIPELINES;
        return [http.post(`${url}/pipelines/*`, () => heldForB.then(() => HttpResponse.error())), ...gateForB.handlers];
      }),
    );
    gate.pipelines = PIPELINES;

    const env = {
      GITHUB_APP_ID: String(github.app.id),
      GITHUB_APP_PRIVATE_KEY: github.app.privateKey,
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      GITHUB_API_URL: servers[0]?.url ?? '',
      GATE_URL: servers[1]?.url ?? '',
      SPINNAKER_UI_URL: 'https://spinnaker.example.com',
      STAGE_SECRET,
      DATABASE_URL: databaseUrl.toString(),
      WORK_LEASE_MS: String(LEASE_MS),
      LOG_LEVEL: 'warn',
      ACCESS_POLICY: JSON.stringify({ applications: { checkout: { repositories: ['octo-org/*'] } } }),
    };
    // One after the other: both would migrate the new database.
    replicas.push(await startReplica(env));
    // B logs at info, so that the test can see it working before it kills it.
    replicas.push(await startReplica({ ...env, GATE_URL: servers[2]?.url ?? '', LOG_LEVEL: 'info' }));
  });

  afterAll(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    releaseB();
    await Promise.all(servers.map((server) => server.close()));
    await db?.end();
    await admin?.query(`drop database if exists ${database} with (force)`);
    await admin?.end();
  });

  it('starts every matching pipeline and writes every deployment status once, though one replica is killed mid-stream', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const deliveries: { event: string; payload: Record<string, unknown> }[] = [];
    const deploymentIds: number[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 4 === 3) {
        const deployment = github.addDeployment({
          owner: 'octocat',
          repo: 'Hello-World',
          environment: 'production',
          ref: 'main',
        });
        deploymentIds.push(Number(deployment.id));
        deliveries.push({ event: 'deployment', payload: deploymentEvent(Number(deployment.id)) });
      } else {
        deliveries.push({ event: 'workflow_run', payload: example('workflow_run', 1) });
      }
    }
    const ids = deliveries.map(() => randomUUID());

    // The first half goes to both replicas, alternating; then B dies with work claimed and the rest goes to A,
    // as a Service would route it (GitHub redelivers what B never acknowledged).
    const half = deliveries.length / 2;
    const first = await Promise.all(
      deliveries
        .slice(0, half)
        .map((d, i) => deliver(i % 2 ? b : a, d.event, d.payload, ids[i]).then((res) => res.status)),
    );
    expect(first.every((status) => status === 202)).toBe(true);
    // Killed once it has claimed deliveries and is starting their pipelines, which its Gate holds.
    await until('replica B working on a delivery', () => b.output().includes('"msg":"delivery matched"'));
    b.child.kill('SIGKILL');
    releaseB();
    for (const [i, d] of deliveries.slice(half).entries()) {
      expect((await deliver(a, d.event, d.payload, ids[half + i])).status).toBe(202);
    }
    // A redelivery of one B acknowledged: a duplicate, not processed again.
    const replay = await deliver(a, deliveries[1]?.event ?? '', deliveries[1]?.payload, ids[1]);
    expect(await replay.json()).toMatchObject({ duplicate: true });

    const expectedStarts = ids.flatMap((id, i) =>
      deliveries[i]?.event === 'deployment' ? [`${id} deploy`] : [`${id} on-test`, `${id} on-test-by-name`],
    );
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n);
    await until(
      'every delivery processed and every status sent',
      async () =>
        (await count(`select count(*) as n from deliveries where status = 'processed'`)) === ids.length &&
        (await count(`select count(*) as n from deployment_status_updates where status = 'sent'`)) ===
          deploymentIds.length,
    );

    // B's unfinished work was finished by A after B's lease ran out.
    expect(await count(`select count(*) as n from deliveries where attempts > 1`)).toBeGreaterThan(0);
    const started = gate.starts.map((start) => `${String(start.trigger.eventId)} ${start.pipelineNameOrId}`);
    expect(started.sort()).toEqual(expectedStarts.sort());

    // Each deployment's pipeline ends; Echo tells both replicas (each event reaches every endpoint).
    const executions = [...gate.executions.values()].filter((e) => e.application === 'hello');
    expect(executions).toHaveLength(deploymentIds.length);
    for (const execution of executions) Object.assign(execution, { status: 'SUCCEEDED', endTime: Date.now() });
    const echo = (url: string, executionId: string) =>
      fetch(`${url}/events/echo/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          details: { source: 'orca', type: 'orca:pipeline:complete', application: 'hello' },
          content: { executionId },
        }),
      });
    // A replacement for B, as Kubernetes would start one.
    const survivor = await startReplica(a.env);
    replicas.push(survivor);
    await Promise.all(executions.flatMap((e) => [echo(a.url, e.id), echo(survivor.url, e.id)]));
    await until(
      'every final status sent',
      async () =>
        (await count(`select count(*) as n from deployment_status_updates where status = 'sent'`)) ===
        2 * deploymentIds.length,
    );

    const posted = github.requests
      .filter((r) => r.method === 'POST' && r.template === '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses')
      .map((r) => `${r.path.split('/')[5]} ${String((r.body as { state?: string }).state)}`);
    expect(posted.sort()).toEqual(deploymentIds.flatMap((id) => [`${id} in_progress`, `${id} success`]).sort());
    expect(github.takeViolations()).toEqual([]);
    // Two real processes, real leases and polls: about 19 s on an idle 2-core machine, so vitest's default 20 s is
    // too tight under load; each wait above is bounded by `until` anyway.
  }, 90_000);

  it('dispatches a workflow once when Orca calls both replicas with the same stage at the same moment', async () => {
    const live = replicas.filter((replica) => replica.child.exitCode === null && !replica.child.killed);
    expect(live.length).toBeGreaterThanOrEqual(2);
    const body = {
      executionId: '01JREPLICAS',
      stageId: 'stage-1',
      application: 'checkout',
      repository: 'octo-org/hello-world',
      waitForCompletion: true,
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { region: 'eu-west-1', version: '1.2.3' },
    };
    const answers = await Promise.all(
      live.slice(0, 2).map((replica) =>
        fetch(`${replica.url}/stage/dispatch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-stage-secret': STAGE_SECRET },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { runId?: number } })),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[1]?.body.runId).toBe(answers[0]?.body.runId);
    expect(github.dispatches).toHaveLength(1);
    expect(github.takeViolations()).toEqual([]);
  });

  it('loses no poll of a running stage through a rolling restart behind a Service', async () => {
    // As deploy/kubernetes runs it: two replicas, a surge replica started and ready before one is stopped
    // (maxUnavailable 0), each stopped with SIGTERM and SHUTDOWN_DRAIN_MS.
    const env = { ...(replicas[0]?.env ?? {}), SHUTDOWN_DRAIN_MS: '2000' };
    // Endpoints reach the proxy up to half a second late, as kube-proxy learns them with a delay.
    const service = await serviceProxy({ probeMs: 500 });
    const pods: Replica[] = [];
    const startPod = async () => {
      const pod = await startReplica(env);
      pods.push(pod);
      replicas.push(pod);
      service.add(pod.url);
      await until(`${pod.url} in the Service`, () => service.ready().includes(pod.url));
      return pod;
    };
    const stopPod = async (pod: Replica) => {
      const exited = new Promise<number | null>((resolve) => pod.child.once('exit', resolve));
      pod.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    };
    try {
      const [first, second] = [await startPod(), await startPod()];
      // Orca's create call, through the Service address it is configured with.
      const created = await fetch(`${service.url}/stage/dispatch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-stage-secret': STAGE_SECRET },
        body: JSON.stringify({
          executionId: '01JROLLING',
          stageId: 'stage-1',
          stageStartTime: Date.now(),
          application: 'checkout',
          repository: 'octo-org/hello-world',
          waitForCompletion: true,
          workflow: 'deploy.yml',
          ref: 'main',
          inputs: { region: 'eu-west-1', version: '1.2.3' },
        }),
      });
      expect(created.status).toBe(200);
      const { statusUrl } = (await created.json()) as { statusUrl: string };
      expect(statusUrl.startsWith(service.url)).toBe(true);

      // Orca's MonitorWebhookTask, polling faster than it does so that every moment of the restart is covered.
      const polls: number[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          // 200 and RUNNING, or what went wrong: the negated status, or 0 for no answer at all.
          const status = await fetch(statusUrl, { headers: { 'x-stage-secret': STAGE_SECRET } })
            .then(async (res) =>
              ((await res.json()) as { status?: string }).status === 'RUNNING' ? res.status : -res.status,
            )
            .catch(() => 0);
          polls.push(status);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();

      const third = await startPod();
      await stopPod(first);
      const fourth = await startPod();
      await stopPod(second);
      await until('polls served by the new replicas', () =>
        service.served.slice(-10).every((pod) => pod === third.url || pod === fourth.url),
      );
      polling = false;
      await poller;

      expect(polls.length).toBeGreaterThan(50);
      expect(polls.filter((status) => status !== 200)).toEqual([]);
      expect(service.served).not.toContain('lost');
      expect(new Set(service.served)).toEqual(new Set(pods.map((pod) => pod.url)));
    } finally {
      await service.close();
    }
  }, 120_000);
});
