import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type AppDeps } from '../../src/app.js';
import { DeploymentStatuses } from '../../src/deployments/deploymentStatuses.js';
import type { GithubApp } from '../../src/github/githubApp.js';
import { JobLogCache } from '../../src/github/jobLogCache.js';
import { createMetrics } from '../../src/metrics.js';
import { Gate } from '../../src/spinnaker/gate.js';
import type { AccessPolicy } from '../../src/stage/accessPolicy.js';
import { openStore, type Store } from '../../src/store/index.js';
import { githubAppFor, silentLogger } from './githubApp.js';

/** A real embedded store in a temporary directory, opened before and removed after the test file. */
export function useTempStore(): { readonly store: Store } {
  const dir = mkdtempSync(join(tmpdir(), 'spinnaker-github-test-'));
  const holder: { store?: Store } = {};
  beforeAll(async () => {
    holder.store = await openStore({ databaseFile: join(dir, 'test.db'), logger: silentLogger });
  });
  afterAll(async () => {
    await holder.store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store() {
      if (!holder.store) throw new Error('the store opens in beforeAll');
      return holder.store;
    },
  };
}

/**
 * Log caches of apps built without their own, in a directory of the test file's own: closed and removed after the file,
 * so that no test leaves `job-logs-*` directories in the system's temporary directory.
 */
const defaultLogs: { dir?: string; caches: JobLogCache[] } = { caches: [] };
afterAll(async () => {
  await Promise.all(defaultLogs.caches.splice(0).map((cache) => cache.close()));
  if (defaultLogs.dir) rmSync(defaultLogs.dir, { recursive: true, force: true });
  defaultLogs.dir = undefined;
});

function defaultLogCache(github: GithubApp): JobLogCache {
  defaultLogs.dir ??= mkdtempSync(join(tmpdir(), 'spinnaker-github-test-logs-'));
  const cache = new JobLogCache(github, { dir: defaultLogs.dir });
  defaultLogs.caches.push(cache);
  return cache;
}

/** The backend's Express app wired to the simulated GitHub and a real store, as server.ts wires it. */
export const STAGE_SECRET = 'stage-secret-for-tests';
export const WEBHOOK_SECRET = 'webhook-secret-for-tests';
export const GATE_URL = 'https://gate.example.com';
export const SPINNAKER_UI_URL = 'https://spinnaker.example.com';
/** The applications of the tests, each allowed the simulated GitHub's organisations. */
export const ACCESS_POLICY: AccessPolicy = {
  applications: {
    checkout: { repositories: ['octo-org/*', 'octocat/*'] },
    hello: { repositories: ['octo-org/*', 'octocat/*'] },
  },
};

export function appFor(
  sim: Parameters<typeof githubAppFor>[0],
  store: Store,
  overrides: Parameters<typeof githubAppFor>[1] = {},
  stage: AppDeps['stage'] = { lookupTimeoutMs: 3_000, lookupIntervalMs: 100 },
  webhooks: AppDeps['webhooks'] = { secret: WEBHOOK_SECRET, onDelivery: () => {} },
  statuses?: (github: GithubApp) => DeploymentStatuses,
  extra: Partial<Pick<AppDeps, 'fiat' | 'accessPolicy' | 'previousStageSecret'>> & {
    logs?: (github: GithubApp) => JobLogCache;
  } = {},
) {
  const { logs, ...deps } = extra;
  const { github } = githubAppFor(sim, overrides);
  const deploymentStatuses =
    statuses?.(github) ??
    new DeploymentStatuses({
      store,
      github,
      gate: new Gate({ url: GATE_URL, logger: silentLogger }),
      logger: silentLogger,
      spinnakerUiUrl: SPINNAKER_UI_URL,
    });
  return createApp({
    logger: silentLogger,
    store,
    github,
    metrics: createMetrics(),
    stageSecret: STAGE_SECRET,
    accessPolicy: ACCESS_POLICY,
    stage,
    webhooks,
    statuses: deploymentStatuses,
    logs: (logs ?? defaultLogCache)(github),
    ...deps,
  });
}
