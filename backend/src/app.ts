import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { NotFoundError, errorHandler } from './errors.js';
import type { GithubApp } from './github/githubApp.js';
import { GithubReads } from './github/githubReads.js';
import { JobLogCache } from './github/jobLogCache.js';
import { createMetrics, type Metrics } from './metrics.js';
import { apiRouter } from './routes/api.js';
import { healthRouter, type Lifecycle } from './routes/health.js';
import type { CheckRuns } from './checks/checkRuns.js';
import type { DeploymentStatuses } from './deployments/deploymentStatuses.js';
import { eventsRouter } from './routes/events.js';
import { stageRouter } from './routes/stage.js';
import { webhookRouter } from './routes/webhooks.js';
import type { Fiat } from './spinnaker/fiat.js';
import type { AccessPolicy } from './stage/accessPolicy.js';
import { StageRuns, type StageRunsOptions } from './stage/stageRuns.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  logger: Logger;
  store: Store;
  github: GithubApp;
  metrics?: Metrics;
  /** STAGE_SECRET: what Orca must send in `X-Stage-Secret`. */
  stageSecret: string;
  /** STAGE_SECRET_PREVIOUS: also accepted while the secret is rotated. */
  previousStageSecret?: string;
  /** Which applications may dispatch to which repositories. */
  accessPolicy: AccessPolicy;
  /** Options of the stage's run lookup (tests shorten it). */
  stage?: Pick<StageRunsOptions, 'lookupTimeoutMs' | 'lookupIntervalMs'>;
  /**
   * GitHub reads and stage runs shared with the process's background work (server.ts), so that both use one read
   * cache and one memory of which GitHub refuses run details; built here when not given.
   */
  shared?: { reads: GithubReads; stageRuns: StageRuns };
  /** GITHUB_WEBHOOK_SECRET, and what to wake when a delivery is stored. */
  webhooks: { secret: string; onDelivery: () => void };
  /** Deployment statuses, told of Echo's pipeline events. */
  statuses: DeploymentStatuses;
  /** Check runs on commits (checks/checkRuns.ts), told of Echo's events and of stages that ask for one. */
  checkRuns?: CheckRuns;
  /** FIAT_URL's client: reads follow Fiat. Without it, every caller reads everything. */
  fiat?: Fiat;
  /** Job logs on disk, downloaded once per job (server.ts configures them); in the system's temporary directory if not given. */
  logs?: JobLogCache;
  /** Set `draining` on shutdown: /ready then answers 503 so that load balancers stop sending requests. */
  lifecycle?: Lifecycle;
}

/** The Express app with every route; no `listen()` here (server.ts does that), so tests drive it directly. */
export function createApp({
  logger,
  store,
  github,
  metrics = createMetrics(),
  stageSecret,
  previousStageSecret,
  accessPolicy,
  stage,
  webhooks,
  statuses,
  checkRuns,
  fiat,
  lifecycle,
  shared,
  logs = new JobLogCache(github),
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  // While draining, each answer closes its connection: a client's kept-alive connection stays pinned to this process
  // by the Service's proxy, and its next request opens a new one, to a replica that stays.
  app.use((_req, res, next) => {
    if (lifecycle?.draining) res.set('Connection', 'close');
    next();
  });
  app.use(metrics.middleware);
  // Before the request log: GitHub's deliveries are the one high-volume route, pino-http's per-request work costs
  // about a sixth of their throughput (docs/performance.md), and the route logs each delivery and refusal itself.
  app.use('/webhooks', metrics.rememberMountPath, webhookRouter({ ...webhooks, store, logger }));
  app.use(
    pinoHttp({
      logger,
      // Probes and scrapes every few seconds would drown the log.
      autoLogging: { ignore: (req) => ['/health', '/ready', '/metrics'].includes(req.url ?? '') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

  app.use(healthRouter({ store, github, metrics, lifecycle }));
  const reads = shared?.reads ?? new GithubReads(github);
  const readAccess = fiat ? { fiat, policy: accessPolicy } : undefined;
  const stageRuns = shared?.stageRuns ?? new StageRuns({ github, reads, store, logger, ...stage });
  const runs = stageRuns.runStates;
  app.use('/api', metrics.rememberMountPath, apiRouter({ logs, reads, runs, store, readAccess }));
  app.use('/events', metrics.rememberMountPath, eventsRouter({ statuses, checkRuns, logger }));
  app.use(
    '/stage',
    metrics.rememberMountPath,
    stageRouter({ stageRuns, stageSecret, previousStageSecret, accessPolicy, checkRuns }),
  );

  app.use((req, _res, next) => {
    next(new NotFoundError(`No such endpoint: ${req.method} ${req.path}`));
  });
  app.use(errorHandler(logger));
  return app;
}
