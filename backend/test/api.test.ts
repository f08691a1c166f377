import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { appFor, useTempStore } from './support/app.js';
import { strangerKey } from './support/githubApp.js';

const sim = useGithubSimulator();
const temp = useTempStore();
const api = (overrides = {}) => request(appFor(sim, temp.store, overrides));
const { runs, jobs, workflows } = SEED.repos['octo-org/hello-world'];
const REPO = '/api/repos/octo-org/hello-world';

describe('GET /api/repos', () => {
  it('lists every repository of every installation, sorted', async () => {
    const res = await api().get('/api/repos').expect(200);

    expect(res.body.items.map((r: { fullName: string }) => r.fullName)).toEqual([
      'octo-org/deploy-service',
      'octo-org/hello-world',
      'octocat/Hello-World',
    ]);
    expect(res.body.items[1]).toEqual({
      fullName: 'octo-org/hello-world',
      owner: 'octo-org',
      name: 'hello-world',
      private: true,
      defaultBranch: 'main',
      htmlUrl: 'https://github.com/octo-org/hello-world',
    });
  });
});

describe('GET /api/repos/:owner/:repo/workflows', () => {
  it("lists the repository's workflows with their file names", async () => {
    const res = await api().get(`${REPO}/workflows`).expect(200);

    expect(res.body.items).toEqual([
      expect.objectContaining({ id: workflows.ci, name: 'CI', path: '.github/workflows/ci.yml', fileName: 'ci.yml' }),
      expect.objectContaining({ id: workflows.deploy, name: 'Deploy', fileName: 'deploy.yml', state: 'active' }),
      expect.objectContaining({ name: 'Smoke test', fileName: 'smoke.yml' }),
      expect.objectContaining({ name: 'Release', fileName: 'release.yml' }),
    ]);
  });

  it('answers 404 with a JSON error that says the App is not installed', async () => {
    const res = await api().get('/api/repos/octo-org/not-installed/workflows').expect(404);

    expect(res.body.error).toEqual({
      name: 'NotFoundError',
      message: expect.stringMatching(/^The GitHub App is not installed on octo-org\/not-installed/),
    });
  });
});

describe('GET /api/repos/:owner/:repo/workflows/:workflow/inputs', () => {
  it('reads the inputs on the default branch, with types, options, defaults and required', async () => {
    const res = await api().get(`${REPO}/workflows/deploy.yml/inputs`).expect(200);

    expect(res.body).toMatchObject({
      workflow: 'deploy.yml',
      path: '.github/workflows/deploy.yml',
      ref: 'main',
      dispatchable: true,
    });
    expect(res.body.inputs).toEqual([
      { name: 'version', type: 'string', required: false, default: 'latest', description: 'Version to deploy' },
      {
        name: 'region',
        type: 'choice',
        required: true,
        options: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
        description: 'Region to deploy to',
      },
      { name: 'dry_run', type: 'boolean', required: false, default: false, description: 'Only show what would change' },
      { name: 'replicas', type: 'number', required: false, description: 'Number of replicas' },
      { name: 'environment', type: 'environment', required: false, description: 'Environment to deploy to' },
    ]);
  });

  it('reads the inputs at the ref asked for, which may declare others', async () => {
    const res = await api()
      .get(`${REPO}/workflows/${workflows.deploy}/inputs`)
      .query({ ref: 'release/1.x' })
      .expect(200);

    expect(res.body.ref).toBe('release/1.x');
    expect(res.body.inputs.map((i: { name: string }) => i.name)).toEqual(['tag', 'notify']);
  });

  it('reads the inputs at a commit sha, which only a dispatch refuses', async () => {
    const sha = sim.repos.get('octo-org/hello-world')!.branches.get('release/1.x')!;
    const res = await api().get(`${REPO}/workflows/deploy.yml/inputs`).query({ ref: sha }).expect(200);

    expect(res.body.inputs.map((i: { name: string }) => i.name)).toEqual(['tag', 'notify']);
  });

  it('says a workflow without workflow_dispatch cannot be dispatched', async () => {
    const res = await api().get(`${REPO}/workflows/ci.yml/inputs`).expect(200);

    expect(res.body).toMatchObject({ dispatchable: false, inputs: [] });
  });

  it('answers 404 for a workflow that does not exist', async () => {
    const res = await api().get(`${REPO}/workflows/nope.yml/inputs`).expect(404);

    expect(res.body.error.message).toBe('Workflow nope.yml does not exist in octo-org/hello-world.');
  });

  it('refuses a ref that is not a git ref name', async () => {
    const res = await api().get(`${REPO}/workflows/deploy.yml/inputs`).query({ ref: '../../etc/passwd' }).expect(400);

    expect(res.body.error).toEqual({
      name: 'InputError',
      message: 'Invalid request: query.ref is not a valid git ref.',
    });
    expect(sim.requests).toEqual([]);
  });
});

describe('GET /api/repos/:owner/:repo/branches', () => {
  it('lists branches with their head commits', async () => {
    const res = await api().get(`${REPO}/branches`).expect(200);

    expect(res.body.items).toEqual([
      { name: 'main', sha: expect.stringMatching(/^[0-9a-f]{40}$/), protected: true },
      { name: 'release/1.x', sha: expect.stringMatching(/^[0-9a-f]{40}$/), protected: false },
    ]);
  });
});

describe('runs and jobs', () => {
  it('GET a run answers its status, conclusion and links', async () => {
    const res = await api().get(`${REPO}/runs/${runs.failure}`).expect(200);

    expect(res.body).toMatchObject({
      id: runs.failure,
      name: 'Deploy',
      status: 'completed',
      conclusion: 'failure',
      headBranch: 'main',
      workflowId: workflows.deploy,
      htmlUrl: `https://github.com/octo-org/hello-world/actions/runs/${runs.failure}`,
    });
  });

  it("GET a run's jobs answers each job with its steps", async () => {
    const res = await api().get(`${REPO}/runs/${runs.failure}/jobs`).expect(200);

    expect(res.body.items.map((j: { name: string; conclusion: string }) => [j.name, j.conclusion])).toEqual([
      ['build', 'success'],
      ['deploy', 'failure'],
    ]);
    const deploy = res.body.items[1];
    expect(deploy.steps.map((s: { name: string; conclusion: string }) => [s.name, s.conclusion])).toEqual([
      ['Set up job', 'success'],
      ['Run actions/checkout@v4', 'success'],
      ['Run Deploy', 'failure'],
      ['Complete job', 'success'],
    ]);
  });

  it('answers 404 for a run of another repository', async () => {
    const other = SEED.repos['octo-org/deploy-service'].runs.success;
    const res = await api().get(`${REPO}/runs/${other}`).expect(404);

    expect(res.body.error.message).toBe(`Workflow run ${other} does not exist in octo-org/hello-world.`);
  });
});

describe('GET /api/repos/:owner/:repo/jobs/:jobId/logs', () => {
  it("streams the job's log from GitHub's log host without sending it our token", async () => {
    const res = await api().get(`${REPO}/jobs/${jobs.failureDeploy}/logs`).expect(200);

    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toContain('##[error]Process completed with exit code 1.');
    const logHost = sim.requests.filter((r) => r.host === 'logs');
    expect(logHost).toHaveLength(1);
    expect(logHost[0]?.headers.authorization).toBeUndefined();
  });

  it('answers a log of up to 2 MiB whole, without start and length', async () => {
    const lines = Array.from({ length: 52_000 }, (_, i) => `2024-01-01T00:00:00.0000000Z line ${i}`);
    const log = `${lines.join('\n')}\n`;
    sim.setJobLog(jobs.successBuild, log);

    const res = await api().get(`${REPO}/jobs/${jobs.successBuild}/logs`).expect(200);

    expect(Buffer.byteLength(log)).toBeGreaterThan(2_000_000);
    expect(res.text).toBe(log);
  });

  it('refuses a larger log whole, which Gate would hold in its heap, and says how to read it in ranges', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `2024-01-01T00:00:00.0000000Z line ${i}`);
    sim.setJobLog(jobs.successBuild, `${lines.join('\n')}\n`);

    const res = await api().get(`${REPO}/jobs/${jobs.successBuild}/logs`).expect(413);

    expect(res.body.error).toMatchObject({
      name: 'ContentTooLargeError',
      message: expect.stringMatching(/has \d+ bytes, more than one answer may carry \(2 MiB\): read it in ranges/),
    });
  });

  it('answers 410 with a clear message when the log host no longer has the log', async () => {
    sim.failNext({ path: /signedlogcontent$/ }, { status: 404, body: { message: 'Not Found' } });

    const res = await api().get(`${REPO}/jobs/${jobs.failureDeploy}/logs`).expect(410);

    expect(res.body.error.name).toBe('GoneError');
    expect(res.body.error.message).toMatch(/log of job \d+ .*(expired|deleted)/);
  });

  it('answers 404 for a job that has not started', async () => {
    const run = sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', status: 'queued' });
    const queuedJob = sim.runs.get(Number(run.id))?.jobIds[0];

    const res = await api().get(`${REPO}/jobs/${queuedJob}/logs`).expect(404);

    expect(res.body.error.message).toMatch(/has not started/);
  });
});

describe('bad requests', () => {
  it.each([
    [
      'an owner with a slash',
      '/api/repos/octo%2Forg/hello-world/workflows',
      /path.owner must be a GitHub user or organisation name/,
    ],
    ['a repository named ..', '/api/repos/octo-org/%2E%2E/workflows', /path.repo must be a GitHub repository name/],
    ['a run id that is not a number', `${REPO}/runs/abc`, /path.runId must be a positive integer/],
    [
      'a workflow that walks a path',
      `${REPO}/workflows/..%2F..%2Fsecrets.yml/inputs`,
      /path.workflow must be a workflow file name/,
    ],
  ])('%s gets a 400 JSON error and never reaches GitHub', async (_name, url, message) => {
    const res = await api().get(url).expect(400);

    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  it('an unknown endpoint gets a 404 JSON error', async () => {
    const res = await api().get('/api/nothing-here').expect(404);

    expect(res.body.error).toEqual({ name: 'NotFoundError', message: 'No such endpoint: GET /api/nothing-here' });
  });
});

describe('GitHub failures seen through the API', () => {
  it('a private key GitHub does not know gives 502 with a hint and no secret', async () => {
    const res = await api({ privateKey: strangerKey }).get(`${REPO}/branches`).expect(502);

    expect(res.body.error.message).toMatch(/GITHUB_APP_PRIVATE_KEY/);
    expect(res.text).not.toMatch(/BEGIN|PRIVATE KEY-|eyJ|ghs_|stack/);
  });

  it('a long rate-limit wait gives 503 with Retry-After', async () => {
    sim.failNext({ path: '/repos/{owner}/{repo}/branches', retryAfterSeconds: 900 }, 'secondary-rate-limit');

    const res = await api().get(`${REPO}/branches`).expect(503);

    expect(res.headers['retry-after']).toBe('900');
    expect(res.body.error.name).toBe('RateLimitedError');
  });
});

describe('recent runs and deployments, for the trigger editors', () => {
  it('lists recent runs of a workflow, newest first', async () => {
    const res = await api().get(`${REPO}/runs`).query({ workflow: 'deploy.yml' }).expect(200);

    expect(res.body.items.map((r: { id: number }) => r.id)).toEqual([runs.inProgress, runs.failure]);
    expect(res.body.items[1]).toMatchObject({ headBranch: 'main', conclusion: 'failure', event: 'workflow_dispatch' });
  });

  it('lists deployments, newest first', async () => {
    const res = await api().get(`${REPO}/deployments`).expect(200);

    expect(res.body.items.map((d: { environment: string; ref: string }) => [d.environment, d.ref])).toEqual([
      ['staging', 'release/1.x'],
      ['production', 'main'],
    ]);
  });
});

describe('the event a past run or deployment would have delivered, for manual starts', () => {
  it("answers a run's workflow_run event: action completed, the run, its workflow and the repository", async () => {
    const res = await api().get(`${REPO}/runs/${runs.success}/event`).expect(200);

    expect(Object.keys(res.body)).toEqual(['action', 'workflow_run', 'workflow', 'repository']);
    expect(res.body.action).toBe('completed');
    expect(res.body.workflow_run).toEqual(JSON.parse(JSON.stringify(sim.runs.get(runs.success)!.run)));
    expect(res.body.workflow).toMatchObject({ id: workflows.ci, name: 'CI', path: '.github/workflows/ci.yml' });
    expect(res.body.repository).toMatchObject({ full_name: 'octo-org/hello-world', html_url: expect.any(String) });
  });

  it("answers a deployment's deployment event: action created, the deployment and the repository", async () => {
    const { production } = SEED.repos['octo-org/hello-world'].deployments;
    const res = await api().get(`${REPO}/deployments/${production}/event`).expect(200);

    expect(res.body).toEqual({
      action: 'created',
      deployment: expect.objectContaining({ id: production, environment: 'production', ref: 'main' }),
      repository: expect.objectContaining({ full_name: 'octo-org/hello-world' }),
    });
  });

  it('answers 404 for a deployment of another repository', async () => {
    const other = SEED.repos['octo-org/deploy-service'].deployments.production;
    const res = await api().get(`${REPO}/deployments/${other}/event`).expect(404);

    expect(res.body.error.message).toBe(`Deployment ${other} does not exist in octo-org/hello-world.`);
  });
});
