import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { useGithubSimulator } from './support/githubServer.js';
import { appFor, useTempStore } from './support/app.js';
import { silentLogger, strangerKey } from './support/githubApp.js';

const sim = useGithubSimulator();
const temp = useTempStore();

describe('GET /health', () => {
  it('answers ok without asking GitHub', async () => {
    const res = await request(appFor(sim, temp.store)).get('/health').expect(200);

    expect(res.body).toEqual({ status: 'ok' });
    expect(sim.requests).toEqual([]);
  });
});

describe('GET /ready', () => {
  it('is ready when the database answers and GitHub accepts the App', async () => {
    const res = await request(appFor(sim, temp.store)).get('/ready').expect(200);

    expect(res.body).toEqual({ status: 'ok', checks: { database: { ok: true }, github: { ok: true } } });
    expect(sim.requests.map((r) => [r.method, r.path, r.caller])).toEqual([['GET', '/app/installations', 'app']]);
  });

  it('asks GitHub at most once per probe interval', async () => {
    const app = appFor(sim, temp.store);
    for (let i = 0; i < 5; i++) await request(app).get('/ready').expect(200);

    expect(sim.count('GET', '/app/installations')).toBe(1);
  });

  it('is not ready, and says why without secrets, when GitHub refuses the App key', async () => {
    const res = await request(appFor(sim, temp.store, { privateKey: strangerKey }))
      .get('/ready')
      .expect(503);

    expect(res.body.status).toBe('unavailable');
    expect(res.body.checks.database).toEqual({ ok: true });
    expect(res.body.checks.github.ok).toBe(false);
    expect(res.body.checks.github.message).toMatch(/GITHUB_APP_PRIVATE_KEY/);
    expect(res.text).not.toMatch(/BEGIN|eyJ/);
  });

  it('is not ready when the database is gone', async () => {
    const store = await openStore({
      databaseFile: join(mkdtempSync(join(tmpdir(), 'spinnaker-github-ready-')), 'ready.db'),
      logger: silentLogger,
    });
    await store.close();

    const res = await request(appFor(sim, store)).get('/ready').expect(503);

    expect(res.body.checks.database.ok).toBe(false);
    expect(res.body.checks.github).toEqual({ ok: true });
  });
});

describe('GET /metrics', () => {
  it('counts answered requests by route and status, in Prometheus text format', async () => {
    const app = appFor(sim, temp.store);
    await request(app).get('/api/repos/octo-org/not-installed/branches').expect(404);

    const res = await request(app).get('/metrics').expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/repos\/:owner\/:repo\/branches",status="404"\} 1/,
    );
  });
});
