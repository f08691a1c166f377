import request from 'supertest';
import { expect, it } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { appFor, useTempStore } from './support/app.js';

// GitHub Enterprise Server serves the same REST API under https://HOST/api/v3; only that host is simulated here,
// so a request to api.github.com would fail the test.
const sim = useGithubSimulator({ apiUrl: 'https://github.example.com/api/v3' });
const temp = useTempStore();
const { runs, jobs } = SEED.repos['octo-org/hello-world'];

it('talks to GitHub Enterprise Server at GITHUB_API_URL', async () => {
  const app = appFor(sim, temp.store, { apiUrl: sim.apiUrl });

  const run = await request(app).get(`/api/repos/octo-org/hello-world/runs/${runs.success}`).expect(200);
  const log = await request(app).get(`/api/repos/octo-org/hello-world/jobs/${jobs.successBuild}/logs`).expect(200);

  expect(run.body).toMatchObject({ id: runs.success, conclusion: 'success' });
  expect(log.text).toContain('Run npm run build');
  expect(sim.requests.filter((r) => r.host === 'api').map((r) => r.template)).toEqual([
    '/repos/{owner}/{repo}/installation',
    '/app/installations/{installation_id}/access_tokens',
    '/repos/{owner}/{repo}/actions/runs/{run_id}',
    // The log store asks whether the job has completed (then its log never changes) before downloading it.
    '/repos/{owner}/{repo}/actions/jobs/{job_id}',
    '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
  ]);
});

it('explains an unknown App id on GitHub Enterprise Server with both settings to check', async () => {
  const res = await request(appFor(sim, temp.store, { apiUrl: sim.apiUrl, appId: 77 }))
    .get('/ready')
    .expect(503);

  expect(res.body.checks.github.message).toMatch(/GitHub App with ID 77.*GITHUB_APP_ID.*GITHUB_API_URL/);
});
