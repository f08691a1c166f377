import { describe, expect, it, vi } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { githubAppFor } from './support/githubApp.js';

// The simulated GitHub is only worth its tests if it refuses what GitHub refuses.
const sim = useGithubSimulator();
const { runs, jobs } = SEED.repos['octo-org/hello-world'];

async function installationToken(): Promise<string> {
  const { github } = githubAppFor(sim);
  const client = await github.forRepo('octo-org', 'hello-world');
  const auth = (await client.auth({ type: 'installation' })) as { token: string };
  return auth.token;
}

const get = (path: string, token: string, headers: Record<string, string> = {}) =>
  fetch(`https://api.github.com${path}`, {
    headers: { authorization: `token ${token}`, ...headers },
    redirect: 'manual',
  });

describe('the simulated GitHub checks requests against the OpenAPI description', () => {
  it('flags a query parameter the operation does not allow', async () => {
    const token = await installationToken();
    await get('/repos/octo-org/hello-world/branches?per_page=500', token);

    expect(sim.takeViolations()).toEqual([
      expect.stringMatching(/GET \/repos\/octo-org\/hello-world\/branches: query parameter 'per_page' must be <= 100/),
    ]);
  });

  it('flags a request body the operation does not accept', async () => {
    const token = await installationToken();
    await fetch('https://api.github.com/repos/octo-org/hello-world/actions/workflows/deploy.yml/dispatches', {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ branch: 'main' }),
    });

    expect(sim.takeViolations().join('\n')).toMatch(/request body must have required property 'ref'/);
  });

  it('flags an endpoint GitHub does not have', async () => {
    const token = await installationToken();
    const res = await get('/repos/octo-org/hello-world/pipelines', token);

    expect(res.status).toBe(404);
    expect(sim.takeViolations()).toEqual([
      "GET /repos/octo-org/hello-world/pipelines: no such operation in GitHub's REST API",
    ]);
  });
});

describe('the simulated GitHub answers as GitHub does', () => {
  it('refuses an unknown token with 401 Bad credentials', async () => {
    const res = await get(`/repos/octo-org/hello-world/actions/runs/${runs.success}`, 'ghs_not-a-real-token');

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('sends rate-limit headers and an ETag, and a 304 for a matching If-None-Match', async () => {
    const token = await installationToken();
    const path = `/repos/octo-org/hello-world/actions/runs/${runs.success}`;
    const first = await get(path, token);
    const etag = first.headers.get('etag') ?? '';
    const second = await get(path, token, { 'if-none-match': etag });

    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(second.status).toBe(304);
    // A 304 is free: the remaining count did not go down.
    expect(second.headers.get('x-ratelimit-remaining')).toBe(first.headers.get('x-ratelimit-remaining'));
  });

  it('redirects a job log to a signed URL on the log host that expires after a minute', async () => {
    const token = await installationToken();
    const res = await get(`/repos/octo-org/hello-world/actions/jobs/${jobs.successBuild}/logs`, token);
    const location = res.headers.get('location') ?? '';

    expect(res.status).toBe(302);
    expect(location).toMatch(
      /^https:\/\/pipelines\.actions\.githubusercontent\.com\/.+\/signedlogcontent\?urlExpires=/,
    );
    expect((await fetch(location)).status).toBe(200);

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      const late = await fetch(location);
      expect(late.status).toBe(403);
      expect(await late.text()).toBe('The signed URL has expired.');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a dispatch input value that is not text with 422, and starts nothing', async () => {
    const token = await installationToken();
    const res = await fetch(
      'https://api.github.com/repos/octo-org/hello-world/actions/workflows/deploy.yml/dispatches',
      {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'main', inputs: { region: 'eu-west-1', dry_run: true } }),
      },
    );

    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toBe(
      "Invalid request.\n\nFor 'additionalProperties', true is not a string.",
    );
    expect(sim.dispatches).toEqual([]);
  });

  it('answers a secondary rate limit as a 403 with retry-after', async () => {
    const token = await installationToken();
    sim.failNext({ path: '/repos/{owner}/{repo}/branches', retryAfterSeconds: 30 }, 'secondary-rate-limit');
    const res = await get('/repos/octo-org/hello-world/branches', token);

    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });
});
