import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { DeploymentStatuses } from '../src/deployments/deploymentStatuses.js';
import { Gate } from '../src/spinnaker/gate.js';
import type { AccessPolicy } from '../src/stage/accessPolicy.js';
import { useGithubSimulator } from './support/githubServer.js';
import { SPINNAKER_UI_URL, STAGE_SECRET, WEBHOOK_SECRET, useTempStore } from './support/app.js';
import { githubAppFor, silentLogger } from './support/githubApp.js';

const sim = useGithubSimulator();
const temp = useTempStore();

const POLICY: AccessPolicy = {
  applications: {
    storefront: { repositories: ['octocat/*'] },
    payments: { repositories: ['octo-org/hello-world'] },
  },
};

function backend(accessPolicy: AccessPolicy = POLICY) {
  const { github } = githubAppFor(sim);
  const app = createApp({
    logger: silentLogger,
    store: temp.store,
    github,
    stageSecret: STAGE_SECRET,
    accessPolicy,
    stage: { lookupTimeoutMs: 2_000, lookupIntervalMs: 50 },
    webhooks: { secret: WEBHOOK_SECRET, onDelivery: () => {} },
    statuses: new DeploymentStatuses({
      store: temp.store,
      github,
      gate: new Gate({ url: 'https://gate.example.com', logger: silentLogger }),
      logger: silentLogger,
      spinnakerUiUrl: SPINNAKER_UI_URL,
    }),
  });
  let n = 0;
  return (fields: Record<string, unknown>) =>
    request(app)
      .post('/stage/dispatch')
      .set('x-stage-secret', STAGE_SECRET)
      .send({
        executionId: `01JPOLICY${++n}`,
        stageId: 's',
        repository: 'octo-org/hello-world',
        waitForCompletion: true,
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { region: 'eu-west-1', version: '1.2.3' },
        ...fields,
      });
}

describe('POST /stage/dispatch and the access policy', () => {
  it('refuses with 403 an application dispatching to a repository allowed only to another', async () => {
    const res = await backend()({ application: 'storefront' }).expect(403);

    expect(res.body.error).toEqual({
      name: 'NotAllowedError',
      message: expect.stringMatching(/^Application storefront may not dispatch to octo-org\/hello-world: /),
    });
    expect(sim.dispatches).toEqual([]);
  });

  it('lets the application the repository is allowed to dispatch, whatever the case of the names', async () => {
    await backend()({ application: 'Payments', repository: 'Octo-Org/Hello-World' }).expect(200);
    expect(sim.dispatches).toHaveLength(1);
  });

  it('refuses a stage call that names no application, and everything when no policy is configured', async () => {
    const missing = await backend()({}).expect(403);
    expect(missing.body.error.message).toMatch(/names no Spinnaker application/);
    await backend({ applications: {} })({ application: 'payments' }).expect(403);
    expect(sim.dispatches).toEqual([]);
  });
});

describe('ACCESS_POLICY and ACCESS_POLICY_FILE', () => {
  const env = {
    GITHUB_APP_ID: '12345',
    GITHUB_APP_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString(),
    GITHUB_WEBHOOK_SECRET: 'webhook-secret',
    GATE_URL: 'https://gate.example.com/',
    SPINNAKER_UI_URL: 'https://spinnaker.example.com',
    STAGE_SECRET: 'a-stage-secret-of-32-characters!',
  };
  const problems = (extra: Record<string, string>) => {
    try {
      loadConfig({ ...env, ...extra });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('denies every dispatch when neither is set', () => {
    expect(loadConfig(env).accessPolicy).toEqual({ configured: false, policy: { applications: {} } });
  });

  it('reads the policy as JSON from ACCESS_POLICY and as YAML from ACCESS_POLICY_FILE', () => {
    expect(loadConfig({ ...env, ACCESS_POLICY: JSON.stringify(POLICY) }).accessPolicy).toEqual({
      configured: true,
      policy: POLICY,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yml');
    writeFileSync(file, 'applications:\n  storefront:\n    repositories: [octocat/*]\n');
    expect(loadConfig({ ...env, ACCESS_POLICY_FILE: file }).accessPolicy.policy).toEqual({
      applications: { storefront: { repositories: ['octocat/*'] } },
    });
  });

  it('names the variable and the problem of a policy it cannot use', () => {
    expect(problems({ ACCESS_POLICY: '{"applications":{"a":{"repositories":["../etc"]}}}' })).toEqual([
      expect.stringMatching(/^ACCESS_POLICY: applications\.a\.repositories\.0 must be org\/repo or org\/\* /),
    ]);
    expect(problems({ ACCESS_POLICY: '{', ACCESS_POLICY_FILE: '/x' })).toEqual([
      'ACCESS_POLICY: set it or ACCESS_POLICY_FILE, not both',
    ]);
    expect(problems({ ACCESS_POLICY_FILE: '/nonexistent/policy.yml' })).toEqual([
      'ACCESS_POLICY_FILE: cannot read /nonexistent/policy.yml (ENOENT)',
    ]);
  });
});
