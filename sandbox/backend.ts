import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Express } from 'express';

import { createApp } from '../backend/src/app.js';
import { CheckRuns } from '../backend/src/checks/checkRuns.js';
import { DeploymentStatuses } from '../backend/src/deployments/deploymentStatuses.js';
import { GithubApp } from '../backend/src/github/githubApp.js';
import { GithubReads } from '../backend/src/github/githubReads.js';
import { JobLogCache } from '../backend/src/github/jobLogCache.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics.js';
import { Gate } from '../backend/src/spinnaker/gate.js';
import type { AccessPolicy } from '../backend/src/stage/accessPolicy.js';
import { RunStates } from '../backend/src/stage/runStates.js';
import { StageRuns } from '../backend/src/stage/stageRuns.js';
import { openStore } from '../backend/src/store/index.js';
import { DeliveryWorker } from '../backend/src/triggers/deliveryWorker.js';
import { DEPLOYMENT_TRIGGER } from '../backend/src/triggers/matching.js';
import { PipelineCache } from '../backend/src/triggers/pipelineCache.js';

export interface SandboxBackend {
  app: Express;
  stageSecret: string;
  webhookSecret: string;
  stop(): Promise<void>;
}

/** The backend wired as backend/src/server.ts wires it, with the emulators' URLs and the simulated App's key. */
export async function startBackend(options: {
  github: { appId: number; privateKey: string; apiUrl: string };
  gateUrl: string;
  spinnakerUiUrl: string;
  /** ACCESS_POLICY: which applications may dispatch to which repositories. */
  accessPolicy: AccessPolicy;
  dataDir: string;
  logLevel: string;
  /** How long one dispatch call looks for the run it started before answering 503 (the backend's 30 s). */
  runLookupMs?: number;
}): Promise<SandboxBackend> {
  const stageSecret = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(24).toString('hex');
  const logger = createLogger({ level: options.logLevel });
  const store = await openStore({ databaseFile: join(options.dataDir, 'sandbox.db'), logger });
  const github = new GithubApp({ github: { ...options.github, webhookSecret }, logger });
  const gate = new Gate({ url: options.gateUrl, logger });
  const statuses = new DeploymentStatuses({
    store,
    github,
    gate,
    logger: logger.child({ component: 'deployment-statuses' }),
    spinnakerUiUrl: options.spinnakerUiUrl,
  });
  const checkRuns = new CheckRuns({
    store,
    github,
    gate,
    logger: logger.child({ component: 'check-runs' }),
    spinnakerUiUrl: options.spinnakerUiUrl,
  });
  const metrics = createMetrics();
  github.requestBudgets.register(metrics.registry);
  // The run state kept from the emulator's workflow_run and workflow_job events, as in server.ts.
  const reads = new GithubReads(github);
  const runStates = new RunStates({
    store,
    reads,
    logger: logger.child({ component: 'run-states' }),
    registry: metrics.registry,
  });
  const stageRuns = new StageRuns({
    github,
    reads,
    store,
    logger,
    runStates,
    ...(options.runLookupMs ? { lookupTimeoutMs: options.runLookupMs, lookupIntervalMs: 250 } : {}),
  });
  // In the sandbox's data directory, which it removes when it stops, as server.ts puts them in LOG_CACHE_DIR.
  const logs = new JobLogCache(github, {
    dir: join(options.dataDir, 'logs'),
    jobCompleted: (job) => runStates.jobCompleted(job),
    logger: logger.child({ component: 'job-logs' }),
    registry: metrics.registry,
  });
  const worker = new DeliveryWorker({
    store,
    gate,
    pipelines: new PipelineCache(gate, logger),
    logger: logger.child({ component: 'deliveries' }),
    registry: metrics.registry,
    onStarted: async (start, executionId) => {
      if (start.trigger.type === DEPLOYMENT_TRIGGER) await statuses.pipelineStarted({ ...start, executionId });
      await checkRuns.pipelineStarted({ executionId, trigger: start.trigger });
    },
    onEvent: (event, payload) => runStates.apply(event, payload),
  });
  const app = createApp({
    logger,
    store,
    github,
    metrics,
    stageSecret,
    accessPolicy: options.accessPolicy,
    webhooks: { secret: webhookSecret, onDelivery: () => worker.wake() },
    statuses,
    checkRuns,
    logs,
    shared: { reads, stageRuns },
  });
  worker.start();
  statuses.start();
  checkRuns.start();
  return {
    app,
    stageSecret,
    webhookSecret,
    stop: async () => {
      await worker.stop();
      await statuses.stop();
      await checkRuns.stop();
      await store.close();
      await logs.close();
    },
  };
}
