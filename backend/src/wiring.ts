import type { Logger } from 'pino';
import { CheckRuns } from './checks/checkRuns.js';
import { DeploymentStatuses } from './deployments/deploymentStatuses.js';
import type { GithubApp } from './github/githubApp.js';
import { GithubReads } from './github/githubReads.js';
import { JobLogCache, type JobLogCacheOptions } from './github/jobLogCache.js';
import type { Metrics } from './metrics.js';
import type { Gate } from './spinnaker/gate.js';
import { RunStates } from './stage/runStates.js';
import { StageRuns, type StageRunsOptions } from './stage/stageRuns.js';
import type { Store } from './store/index.js';
import { DeliveryWorker } from './triggers/deliveryWorker.js';
import { DEPLOYMENT_TRIGGER } from './triggers/matching.js';
import { PipelineCache } from './triggers/pipelineCache.js';

export interface PartsOptions {
  store: Store;
  github: GithubApp;
  gate: Gate;
  logger: Logger;
  metrics: Metrics;
  /** SPINNAKER_UI_URL: for links written to GitHub. */
  spinnakerUiUrl: string;
  /** WORK_LEASE_MS; each worker's default when not given. */
  leaseMs?: number;
  /** RUN_EVENT_FALLBACK_MS; the run states' default when not given. */
  runEventFallbackMs?: number;
  /** The job log cache's settings (LOG_* variables); its job status and metrics are wired here. */
  logs?: Omit<JobLogCacheOptions, 'jobCompleted' | 'logger' | 'registry'>;
  /** How long a dispatch call looks for its run (the sandbox's are shorter). */
  stage?: Pick<StageRunsOptions, 'lookupTimeoutMs' | 'lookupIntervalMs'>;
}

/**
 * The backend's parts and what ties them together: the run state fed by the deliveries' events, the stage runs and the
 * job logs that read it, and the statuses and check runs the pipelines a delivery starts update. server.ts and the
 * sandbox both start these, so that the sandbox runs the backend as production does.
 */
export function createParts(options: PartsOptions) {
  const { store, github, gate, logger, metrics, spinnakerUiUrl, leaseMs } = options;
  github.requestBudgets.register(metrics.registry);
  // What the two writers of GitHub state from pipeline events each need.
  const writers = { store, github, gate, spinnakerUiUrl, leaseMs };
  const statuses = new DeploymentStatuses({ ...writers, logger: logger.child({ component: 'deployment-statuses' }) });
  const checkRuns = new CheckRuns({ ...writers, logger: logger.child({ component: 'check-runs' }) });
  // GitHub reads, and the run state kept from GitHub's events, shared by the app and the background work.
  const reads = new GithubReads(github);
  const runStates = new RunStates({
    store,
    reads,
    logger: logger.child({ component: 'run-states' }),
    fallbackMs: options.runEventFallbackMs,
    registry: metrics.registry,
  });
  const stageRuns = new StageRuns({ github, reads, store, logger, runStates, ...options.stage });
  const worker = new DeliveryWorker({
    store,
    gate,
    pipelines: new PipelineCache(gate, logger),
    logger: logger.child({ component: 'deliveries' }),
    registry: metrics.registry,
    leaseMs,
    onStarted: async (start, executionId) => {
      if (start.trigger.type === DEPLOYMENT_TRIGGER) await statuses.pipelineStarted({ ...start, executionId });
      await checkRuns.pipelineStarted({ executionId, trigger: start.trigger });
    },
    onEvent: (event, payload) => runStates.apply(event, payload),
  });
  const logs = new JobLogCache(github, {
    ...options.logs,
    jobCompleted: (job) => runStates.jobCompleted(job),
    logger: logger.child({ component: 'job-logs' }),
    registry: metrics.registry,
  });
  return { statuses, checkRuns, reads, runStates, stageRuns, worker, logs };
}
