import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../../backend/src/app';
import type { DeploymentStatuses } from '../../backend/src/deployments/deploymentStatuses';
import type { GithubApp } from '../../backend/src/github/githubApp';
import type { Store } from '../../backend/src/store/index';

export const TEST_STAGE_SECRET = 'release-test-stage-secret';

/**
 * The backend's real Express app with inert dependencies, listening on a free port: enough to learn which paths it
 * serves and which it guards, which is all the deployment and configuration tests ask of it.
 */
export async function startBackend(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp({
    logger: pino({ level: 'silent' }),
    store: { ping: async () => {} } as unknown as Store,
    github: { appId: 1, checkCredentials: async () => {} } as unknown as GithubApp,
    stageSecret: TEST_STAGE_SECRET,
    webhooks: { secret: 'release-test-webhook-secret', onDelivery: () => {} },
    statuses: { executionEvent: async () => false } as unknown as DeploymentStatuses,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The backend answers unknown paths 404 with this error name and message prefix (backend/src/app.ts). */
export async function servesPath(response: Response): Promise<boolean> {
  if (response.status !== 404) return true;
  const body = (await response.json()) as { error?: { message?: string } };
  return !body.error?.message?.startsWith('No such endpoint');
}
