import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../../backend/src/app';
import { DeploymentStatuses } from '../../backend/src/deployments/deploymentStatuses';
import { GithubApp } from '../../backend/src/github/githubApp';
import { Gate } from '../../backend/src/spinnaker/gate';
import { DENY_ALL } from '../../backend/src/stage/accessPolicy';
import { openStore } from '../../backend/src/store/index';

export const TEST_STAGE_SECRET = 'release-test-stage-secret';

/**
 * The backend's real Express app, wired as server.ts wires it (a throw-away embedded store; GitHub and Gate at
 * addresses nothing answers, which these checks never reach), listening on a free port: enough to learn which
 * paths it serves and which it guards, which is all the deployment and configuration tests ask of it.
 */
export async function startBackend(): Promise<{ url: string; close: () => Promise<void> }> {
  const logger = pino({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'release-backend-'));
  const store = await openStore({ databaseFile: join(dir, 'store.db'), logger });
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const github = new GithubApp({
    github: { appId: 1, privateKey, webhookSecret: 'release-test-webhook-secret', apiUrl: 'http://127.0.0.1:9' },
    logger,
  });
  const gate = new Gate({ url: 'http://127.0.0.1:9', logger });
  const app = createApp({
    logger,
    store,
    github,
    stageSecret: TEST_STAGE_SECRET,
    webhooks: { secret: 'release-test-webhook-secret', onDelivery: () => {} },
    statuses: new DeploymentStatuses({ store, github, gate, logger, spinnakerUiUrl: 'https://spinnaker.example.com' }),
    accessPolicy: DENY_ALL,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The backend answers unknown paths 404 with this error name and message prefix (backend/src/app.ts). */
export async function servesPath(response: Response): Promise<boolean> {
  if (response.status !== 404) return true;
  const body = (await response.json()) as { error?: { message?: string } };
  return !body.error?.message?.startsWith('No such endpoint');
}
