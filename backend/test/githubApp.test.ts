import { describe, expect, it } from 'vitest';
import { NotFoundError, RateLimitedError, UpstreamError } from '../src/errors.js';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { githubAppFor, strangerKey } from './support/githubApp.js';

const sim = useGithubSimulator();
const helloWorld = { owner: 'octo-org', repo: 'hello-world' };
const runs = SEED.repos['octo-org/hello-world'].runs;
const RUN = '/repos/{owner}/{repo}/actions/runs/{run_id}';

describe('installation tokens', () => {
  it('are minted once and reused for every repository of the installation', async () => {
    const { reads } = githubAppFor(sim);
    await reads.getRun({ ...helloWorld, runId: runs.success });
    await reads.listWorkflows({ owner: 'octo-org', repo: 'deploy-service' });
    await reads.listBranches(helloWorld);

    expect(sim.tokensIssued).toBe(1);
    expect(sim.count('GET', '/repos/{owner}/{repo}/installation')).toBe(2);
  });
});

describe('reads', () => {
  it('answer a repeated read within the cache window from memory', async () => {
    const { reads } = githubAppFor(sim);
    const first = await reads.getRun({ ...helloWorld, runId: runs.success });
    const second = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(second).toEqual(first);
    expect(sim.count('GET', RUN)).toBe(1);
  });

  it('revalidate a stale read with If-None-Match and accept the 304, which costs no rate limit', async () => {
    const { reads } = githubAppFor(sim, { readFreshForMs: 0 });
    const first = await reads.getRun({ ...helloWorld, runId: runs.success });
    const second = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(second).toEqual(first);
    const [initial, revalidation] = sim.requests.filter((r) => r.template === RUN);
    expect(initial?.headers['if-none-match']).toBeUndefined();
    expect(revalidation?.headers['if-none-match']).toMatch(/^W\/"/);
    expect(revalidation?.status).toBe(304);
  });

  it('see a change once the cached copy is stale', async () => {
    const { reads } = githubAppFor(sim, { readFreshForMs: 0 });
    const before = await reads.getRun({ ...helloWorld, runId: runs.inProgress });
    sim.setRunStatus(runs.inProgress, 'completed', 'success');
    const after = await reads.getRun({ ...helloWorld, runId: runs.inProgress });

    expect(before.status).toBe('in_progress');
    expect(after).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('coalesce concurrent identical reads into one upstream call', async () => {
    const { reads } = githubAppFor(sim);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => reads.getRun({ ...helloWorld, runId: runs.failure })),
    );

    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(sim.count('GET', RUN)).toBe(1);
    expect(sim.tokensIssued).toBe(1);
  });

  it('keep repositories of different installations apart', async () => {
    const { reads } = githubAppFor(sim);
    const org = await reads.listBranches(helloWorld);
    const user = await reads.listBranches({ owner: 'octocat', repo: 'Hello-World' });

    expect(org.map((b) => b.name)).toEqual(['main', 'release/1.x']);
    expect(user.map((b) => b.name)).toEqual(['main', 'release/1.x']);
    expect(sim.tokensIssued).toBe(2);
  });
});

describe('rate limits', () => {
  it('retry a secondary rate limit after the retry-after GitHub asked for', async () => {
    const { reads } = githubAppFor(sim);
    sim.failNext({ method: 'GET', path: RUN, retryAfterSeconds: 1 }, 'secondary-rate-limit');

    const started = Date.now();
    const run = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(run.id).toBe(runs.success);
    expect(sim.requests.filter((r) => r.template === RUN).map((r) => r.status)).toEqual([403, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retry after the primary rate limit resets', async () => {
    const { reads } = githubAppFor(sim);
    sim.failNext({ method: 'GET', path: RUN, retryAfterSeconds: 1 }, 'primary-rate-limit');

    const run = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(run.id).toBe(runs.success);
    expect(sim.requests.filter((r) => r.template === RUN).map((r) => r.status)).toEqual([403, 200]);
  });

  it('answer 503 with Retry-After instead of waiting longer than a minute', async () => {
    const { reads } = githubAppFor(sim);
    sim.failNext({ method: 'GET', path: RUN, retryAfterSeconds: 600 }, 'secondary-rate-limit');

    const failure = await reads.getRun({ ...helloWorld, runId: runs.success }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(RateLimitedError);
    expect(failure).toMatchObject({ statusCode: 503, retryAfterSeconds: 600 });
    expect(sim.count('GET', RUN)).toBe(1);
  });

  it('retry a GitHub 5xx and then succeed', async () => {
    const { reads } = githubAppFor(sim);
    sim.failNext({ method: 'GET', path: RUN }, { status: 502 });

    const run = await reads.getRun({ ...helloWorld, runId: runs.success });

    expect(run.id).toBe(runs.success);
    expect(sim.count('GET', RUN)).toBe(2);
  });
});

describe('credential problems', () => {
  const noSecrets = (error: unknown) => {
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toMatch(/BEGIN|PRIVATE KEY|ghs_|eyJ/);
  };

  it('a private key GitHub does not know gives 502 naming GITHUB_APP_PRIVATE_KEY', async () => {
    const { reads } = githubAppFor(sim, { privateKey: strangerKey });
    const failure = await reads.getRun({ ...helloWorld, runId: runs.success }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ statusCode: 502 });
    expect((failure as Error).message).toMatch(/GITHUB_APP_PRIVATE_KEY/);
    noSecrets(failure);
  });

  it('an App id GitHub does not know gives 502 naming GITHUB_APP_ID', async () => {
    const { github } = githubAppFor(sim, { appId: 424242 });
    const failure = await github.checkCredentials().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toMatch(/GitHub App with ID 424242.*GITHUB_APP_ID/);
    noSecrets(failure);
  });

  it('a repository the App is not installed on gives 404 saying so', async () => {
    const { reads } = githubAppFor(sim);
    const failure = await reads.listWorkflows({ owner: 'octo-org', repo: 'not-installed' }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(NotFoundError);
    expect((failure as Error).message).toBe(
      'The GitHub App is not installed on octo-org/not-installed, or that repository does not exist. Install the App on the repository (GitHub: Settings, GitHub Apps, Configure).',
    );
    expect(sim.tokensIssued).toBe(0);
  });

  it('valid credentials pass the readiness check', async () => {
    const { github } = githubAppFor(sim);
    await expect(github.checkCredentials()).resolves.toBeUndefined();
    expect(sim.requests.at(-1)).toMatchObject({ path: '/app/installations', caller: 'app', status: 200 });
  });
});

describe('list reads', () => {
  it('answer the whole list again from the cache, fresh or revalidated, and to concurrent callers', async () => {
    for (const readFreshForMs of [5_000, 0]) {
      const { reads } = githubAppFor(sim, { readFreshForMs });
      const first = await reads.listWorkflows(helloWorld);
      const [second, third] = await Promise.all([reads.listWorkflows(helloWorld), reads.listWorkflows(helloWorld)]);

      expect(first.map((w) => w.fileName)).toEqual(['ci.yml', 'deploy.yml', 'smoke.yml', 'release.yml']);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
    }
  });
});
