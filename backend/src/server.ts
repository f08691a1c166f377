import type { Server } from 'node:http';
import { createApp } from './app.js';
import { messageOf } from './errors.js';
import { ConfigError, loadConfig } from './config.js';
import { GithubApp } from './github/githubApp.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Fiat } from './spinnaker/fiat.js';
import { Gate } from './spinnaker/gate.js';
import { budgetShare, RequestBudgets } from './github/requestBudget.js';
import { DispatchWatch } from './stage/dispatchWatch.js';
import { openStore, pruneDeliveryBodies, prunePipelineStartTriggers, pruneRunStates } from './store/index.js';
import { WorkLoop } from './workLoop.js';
import { createParts } from './wiring.js';

/**
 * How long requests in flight at shutdown may still take: a dispatch call waits up to 30 s for its run (stageRuns.ts),
 * and Orca does not retry a create call whose connection was cut (docs/install.md, "Upgrading").
 */
const SHUTDOWN_GRACE_MS = 35_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // In-flight requests (a long log download) get a grace period, then are cut.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  });
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee docs/configuration.md for every variable.\n`);
    process.exit(1);
  }

  const logger = createLogger({ level: config.logLevel });
  const store = await openStore({ databaseUrl: config.database.url, databaseFile: config.database.file, logger });
  const github = new GithubApp({
    github: config.github,
    logger,
    requestBudgets: new RequestBudgets(budgetShare(config.githubBudgetReplicas)),
  });
  const metrics = createMetrics();
  const gate = new Gate({ url: config.gate.url, authHeader: config.gate.authHeader, logger });
  const { statuses, checkRuns, reads, stageRuns, worker, logs } = createParts({
    store,
    github,
    gate,
    logger,
    metrics,
    spinnakerUiUrl: config.spinnakerUiUrl,
    leaseMs: config.workLeaseMs,
    runEventFallbackMs: config.runEventFallbackMs,
    logs: { ...config.logs, replicas: config.githubBudgetReplicas },
  });
  // Cancels the runs of stages cancelled while Orca still retried their dispatch (Orca sends no cancel then).
  const dispatchWatch = new DispatchWatch({
    store,
    gate,
    stageRuns,
    logger: logger.child({ component: 'dispatch-watch' }),
  });
  const lifecycle = { draining: false };
  const app = createApp({
    lifecycle,
    logs,
    shared: { reads, stageRuns },
    logger,
    store,
    github,
    metrics,
    stageSecret: config.stageSecret,
    previousStageSecret: config.previousStageSecret,
    accessPolicy: config.accessPolicy.policy,
    webhooks: { secret: config.github.webhookSecret, onDelivery: () => worker.wake() },
    statuses,
    checkRuns,
    fiat: config.fiatUrl ? new Fiat({ url: config.fiatUrl, logger: logger.child({ component: 'fiat' }) }) : undefined,
  });
  if (!config.fiatUrl) {
    logger.warn(
      'No FIAT_URL: every Spinnaker user reads the runs and logs of every repository the GitHub App is installed on. See docs/security.md.',
    );
  }
  if (!config.accessPolicy.configured) {
    logger.warn(
      'No ACCESS_POLICY or ACCESS_POLICY_FILE: every stage dispatch is refused. See docs/configuration.md, Access policy.',
    );
  }
  const pruning = new WorkLoop(
    async () => {
      const before = new Date(Date.now() - config.deliveryBodyRetentionDays * DAY_MS);
      const pruned = await pruneDeliveryBodies(store.db, before);
      if (pruned) logger.info({ pruned, before }, 'bodies of deliveries handled before the retention dropped');
      const triggers = await prunePipelineStartTriggers(store.db, before);
      if (triggers)
        logger.info({ pruned: triggers, before }, 'events in the triggers of settled pipeline starts dropped');
      const runs = await pruneRunStates(store.db, before);
      if (runs) logger.info({ pruned: runs, before }, 'state of runs unchanged since the retention dropped');
      await logs.prune();
    },
    {
      intervalMs: HOUR_MS,
      onError: (err) =>
        logger.warn({ err }, 'pruning old deliveries, run states or job logs failed; will try again in an hour'),
      stopped: true,
    },
  );
  // Work stored before a restart (deliveries, deployment statuses) is picked up here.
  worker.start();
  statuses.start();
  checkRuns.start();
  pruning.start();
  dispatchWatch.start();

  const server = app.listen(config.port, () => {
    logger.info(
      {
        port: config.port,
        store: store.kind,
        githubApiUrl: config.github.apiUrl,
        startupMs: Math.round(performance.now()),
      },
      `listening on http://localhost:${config.port}`,
    );
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Kubernetes removes a terminating pod from its Service while it sends SIGTERM, and proxies learn it a moment
    // later: keep serving, with /ready at 503, for SHUTDOWN_DRAIN_MS, so that no request meets a closed port.
    lifecycle.draining = true;
    if (config.shutdownDrainMs > 0) {
      logger.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down: /ready is 503, still serving');
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    }
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await closeServer(server);
    await worker.stop();
    await statuses.stop();
    await checkRuns.stop();
    await pruning.stop();
    await dispatchWatch.stop();
    await store.close();
    await logs.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`The backend could not start: ${messageOf(error)}\n`);
  process.exit(1);
});
