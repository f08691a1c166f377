import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Express } from 'express';

import { createApp } from '../backend/src/app.js';
import { GithubApp } from '../backend/src/github/githubApp.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics.js';
import { Gate } from '../backend/src/spinnaker/gate.js';
import type { AccessPolicy } from '../backend/src/stage/accessPolicy.js';
import { openStore } from '../backend/src/store/index.js';
import { createParts } from '../backend/src/wiring.js';

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
  const metrics = createMetrics();
  // As server.ts starts them; the job logs in the sandbox's data directory, which it removes when it stops.
  const { statuses, checkRuns, reads, stageRuns, worker, logs } = createParts({
    store,
    github,
    gate,
    logger,
    metrics,
    spinnakerUiUrl: options.spinnakerUiUrl,
    logs: { dir: join(options.dataDir, 'logs') },
    stage: options.runLookupMs ? { lookupTimeoutMs: options.runLookupMs, lookupIntervalMs: 250 } : undefined,
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
