import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Fiat } from '../src/spinnaker/fiat.js';
import { createGithubSimulator, SEED } from '../emulators/github/simulator.js';
import { FiatSimulator } from '../emulators/spinnaker/fiatSimulator.js';
import { appFor, useTempStore } from './support/app.js';
import { TestClock } from './support/clock.js';
import { silentLogger } from './support/githubApp.js';
import { localRequestsOnly } from './support/net.js';

const github = createGithubSimulator();
const fiat = new FiatSimulator();
const server = setupServer(...github.handlers, ...fiat.handlers);
const temp = useTempStore();

beforeAll(() => server.listen(localRequestsOnly));
afterAll(() => server.close());
afterEach(() => {
  fiat.reset();
  github.reset();
});

// Each application reads the repositories the access policy maps to it.
const POLICY = {
  applications: {
    checkout: { repositories: ['octo-org/*'] },
    hello: { repositories: ['octocat/Hello-World'] },
  },
};
const orgRepo = SEED.repos['octo-org/hello-world'];

function backend({ clock = new TestClock() } = {}) {
  const client = new Fiat({ url: fiat.url, logger: silentLogger, clock });
  const app = appFor(github, temp.store, {}, undefined, undefined, undefined, { fiat: client, accessPolicy: POLICY });
  return (path: string, user?: string) => {
    const req = request(app).get(path);
    return user === undefined ? req : req.set('X-SPINNAKER-USER', user);
  };
}

describe('reads with FIAT_URL set', () => {
  it("let a user with READ on an application read its repositories' runs, jobs and logs, and nothing else", async () => {
    fiat.addUser('alice@example.com', { checkout: ['READ'] });
    const get = backend();
    const base = '/api/repos/octo-org/hello-world';

    await get(`${base}/runs/${orgRepo.runs.success}`, 'alice@example.com').expect(200);
    const jobs = await get(`${base}/runs/${orgRepo.runs.success}/jobs`, 'alice@example.com').expect(200);
    expect(jobs.body.items.length).toBeGreaterThan(0);
    const log = await get(`${base}/jobs/${orgRepo.jobs.successBuild}/logs`, 'alice@example.com').expect(200);
    expect(log.text.length).toBeGreaterThan(0);

    const denied = await get('/api/repos/octocat/Hello-World/runs', 'alice@example.com').expect(403);
    expect(denied.body.error.message).toBe(
      'alice@example.com may not read octocat/Hello-World: no Spinnaker application the access policy maps to it grants them READ in Fiat.',
    );
  });

  it('refuses another user with 403 naming the user and the repository', async () => {
    fiat.addUser('bob@example.com', { hello: ['READ', 'EXECUTE'], checkout: ['WRITE'] });

    const res = await backend()(`/api/repos/octo-org/hello-world/runs/${orgRepo.runs.success}`, 'bob@example.com');

    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/^bob@example\.com may not read octo-org\/hello-world/);
  });

  it("refuses the event of a run or deployment of a repository the user may not read (a manual start's payload)", async () => {
    fiat.addUser('bob@example.com', { hello: ['READ', 'EXECUTE'], checkout: ['WRITE'] });
    const base = '/api/repos/octo-org/hello-world';

    for (const path of [`runs/${orgRepo.runs.success}/event`, `deployments/${orgRepo.deployments.production}/event`]) {
      const res = await backend()(`${base}/${path}`, 'bob@example.com');
      expect(res.status).toBe(403);
    }
  });

  it('refuses a read that names no user with 401', async () => {
    const res = await backend()('/api/repos').expect(401);

    expect(res.body.error.message).toMatch(/X-SPINNAKER-USER/);
    expect(fiat.requests).toEqual([]);
  });

  it('refuses a user Fiat does not know', async () => {
    await backend()('/api/repos/octo-org/hello-world/branches', 'stranger@example.com').expect(403);
  });

  it("lets a user Fiat has not stored read an unrestricted application's repositories when Fiat falls back for them", async () => {
    // fiat.defaultToUnrestrictedUser, as for the same user's reads in Deck through Gate; `hello` stays restricted.
    fiat.defaultToUnrestrictedUser = true;
    fiat.unrestrictedApplications.add('checkout');
    const get = backend();

    const runs = await get('/api/repos/octo-org/hello-world/runs', 'newcomer@example.com').expect(200);
    expect(runs.body.items.length).toBeGreaterThan(0);
    await get('/api/repos/octocat/Hello-World/runs', 'newcomer@example.com').expect(403);
  });

  it('let a Fiat admin read everything', async () => {
    fiat.addUser('root@example.com', {}, { admin: true });
    const get = backend();

    await get('/api/repos/octocat/Hello-World/branches', 'root@example.com').expect(200);
    const repos = await get('/api/repos', 'root@example.com').expect(200);
    expect(repos.body.items.map((r: { fullName: string }) => r.fullName).sort()).toEqual([
      'octo-org/deploy-service',
      'octo-org/hello-world',
      'octocat/Hello-World',
    ]);
  });

  it('lists only the repositories the user may read', async () => {
    fiat.addUser('carol@example.com', { hello: ['READ'] });

    const res = await backend()('/api/repos', 'carol@example.com').expect(200);

    expect(res.body.items.map((r: { fullName: string }) => r.fullName)).toEqual(['octocat/Hello-World']);
  });

  it('lets everyone read the repositories of an application Fiat does not restrict, when Fiat allows unknown ones', async () => {
    // Fiat lists only restricted applications then; `hello` is restricted to others, `checkout` is not listed.
    fiat.allowAccessToUnknownApplications = true;
    fiat.addUser('dave@example.com', { hello: [] });
    const get = backend();

    await get('/api/repos/octo-org/hello-world/branches', 'dave@example.com').expect(200);
    await get('/api/repos/octocat/Hello-World/branches', 'dave@example.com').expect(403);
  });

  it('answers 503 when Fiat is down, and reads nothing from GitHub', async () => {
    fiat.down();

    const res = await backend()('/api/repos/octo-org/hello-world/branches', 'alice@example.com').expect(503);

    expect(res.body.error.message).toMatch(/Fiat \(FIAT_URL\) could not be reached to check what alice@example\.com/);
    expect(github.requests.filter((r) => r.path.includes('/branches'))).toEqual([]);
  });

  it('asks Fiat once for the reads of one page, and again once the cache has expired', async () => {
    fiat.addUser('alice@example.com', { checkout: ['READ'] });
    const clock = new TestClock();
    const get = backend({ clock });

    await Promise.all([
      get('/api/repos', 'alice@example.com').expect(200),
      get('/api/repos/octo-org/hello-world/branches', 'alice@example.com').expect(200),
      get('/api/repos/octo-org/hello-world/workflows', 'alice@example.com').expect(200),
    ]);
    expect(fiat.requests).toEqual(['alice@example.com']);

    clock.advance(60_000);
    await get('/api/repos', 'alice@example.com').expect(200);
    expect(fiat.requests).toEqual(['alice@example.com', 'alice@example.com']);
  });
});

describe('reads without FIAT_URL', () => {
  it('stay open to every caller, as before', async () => {
    const res = await request(appFor(github, temp.store)).get('/api/repos').expect(200);

    expect(res.body.items).toHaveLength(3);
  });
});
