import { Router } from 'express';
import type { HealthDto } from '../contract.js';
import { messageOf } from '../errors.js';
import type { GithubApp } from '../github/githubApp.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/index.js';

type Check = () => Promise<void>;

/** What server.ts changes while the process runs: `draining` from SIGTERM until the server closes. */
export interface Lifecycle {
  draining: boolean;
}

async function run(check: Check): Promise<{ ok: boolean; message?: string }> {
  try {
    await check();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}

/**
 * `/health` says the process is alive (liveness); `/ready` that it can do its work (readiness):
 * the database answers and GitHub accepts the App's JWT. Readiness is cached briefly so that
 * probes from several kubelets do not each cost a GitHub request.
 */
export function healthRouter({
  store,
  github,
  metrics,
  readyCacheMs = 10_000,
  lifecycle = { draining: false },
}: {
  store: Store;
  github: GithubApp;
  metrics: Metrics;
  readyCacheMs?: number;
  lifecycle?: Lifecycle;
}): Router {
  const router = Router();
  let lastReady: { at: number; body: HealthDto } | undefined;

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' } satisfies HealthDto);
  });

  router.get('/ready', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({
        status: 'unavailable',
        checks: { shutdown: { ok: false, message: 'Shutting down: finishing requests, taking no new work' } },
      } satisfies HealthDto);
      return;
    }
    if (!lastReady || Date.now() - lastReady.at > readyCacheMs) {
      const [database, githubApp] = await Promise.all([run(() => store.ping()), run(() => github.checkCredentials())]);
      const ok = database.ok && githubApp.ok;
      lastReady = {
        at: Date.now(),
        body: { status: ok ? 'ok' : 'unavailable', checks: { database, github: githubApp } },
      };
    }
    res.status(lastReady.body.status === 'ok' ? 200 : 503).json(lastReady.body);
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
