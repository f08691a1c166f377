import { expect, it, vi } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { SEED } from '../emulators/github/simulator.js';
import { githubAppFor } from './support/githubApp.js';

// In a file of its own: the clock jumps an hour ahead, and @octokit/plugin-throttling's rate-limit
// queues (shared by every Octokit in a module graph) would hold later tests' requests until then.
const sim = useGithubSimulator();
const helloWorld = { owner: 'octo-org', repo: 'hello-world' };
const runs = SEED.repos['octo-org/hello-world'].runs;
const MINUTE = 60_000;

it('are reused until shortly before they expire, then refreshed', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const { reads } = githubAppFor(sim, { readFreshForMs: 0 });
  await reads.getRun({ ...helloWorld, runId: runs.success });

  vi.setSystemTime(Date.now() + 55 * MINUTE);
  await reads.getRun({ ...helloWorld, runId: runs.failure });
  expect(sim.tokensIssued).toBe(1);

  // GitHub's tokens last an hour; a token about to expire is replaced before it is used again.
  vi.setSystemTime(Date.now() + 5 * MINUTE);
  await reads.getRun({ ...helloWorld, runId: runs.inProgress });
  expect(sim.tokensIssued).toBe(2);
  expect(sim.requests.filter((r) => r.status === 401)).toEqual([]);
});
