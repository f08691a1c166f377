import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { GithubApp } from '../../src/github/githubApp.js';
import { GithubReads } from '../../src/github/githubReads.js';

export const silentLogger = pino({ level: 'silent' });

/** A key GitHub has never seen for this App. */
export const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** The backend's GitHub client pointed at the simulator, with retry pauses shortened (Retry-After is still honoured). */
export function githubAppFor(
  sim: { app: { id: number; privateKey: string }; apiUrl?: string },
  overrides: { appId?: number; privateKey?: string; apiUrl?: string; readFreshForMs?: number; timeoutMs?: number } = {},
) {
  const github = new GithubApp({
    github: {
      appId: overrides.appId ?? sim.app.id,
      privateKey: overrides.privateKey ?? sim.app.privateKey,
      webhookSecret: 'unused',
      apiUrl: overrides.apiUrl ?? sim.apiUrl ?? 'https://api.github.com',
    },
    logger: silentLogger,
    readFreshForMs: overrides.readFreshForMs,
    octokit: { retryBaseMs: 10, timeoutMs: overrides.timeoutMs },
  });
  return { github, reads: new GithubReads(github) };
}
