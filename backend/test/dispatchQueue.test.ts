import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GithubApp } from '../src/github/githubApp.js';
import { GithubReads } from '../src/github/githubReads.js';
import { RequestBudgets } from '../src/github/requestBudget.js';
import { DispatchQueuedError, StageRuns, type DispatchRequest } from '../src/stage/stageRuns.js';
import { createGithubSimulator } from '../emulators/github/simulator.js';
import { useTempStore } from './support/app.js';
import { silentLogger } from './support/githubApp.js';

const sim = createGithubSimulator();
const server = setupServer(...sim.handlers);
const temp = useTempStore();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  const violations = sim.takeViolations();
  sim.reset();
  expect(violations, 'simulated requests and answers that break GitHub’s OpenAPI description').toEqual([]);
});
afterAll(() => server.close());

const request = (i: number): DispatchRequest => ({
  key: `queue/${i}/1`,
  owner: 'octo-org',
  repo: 'hello-world',
  dispatchType: 'workflow_dispatch',
  workflow: 'deploy.yml',
  ref: 'main',
  inputs: { region: 'eu-west-1', version: `1.0.${i}` },
});

describe('StageRuns.dispatch behind a full request budget', () => {
  it('answers 503 for Orca to retry while the dispatch waits, and the retry answers its run, dispatched once', async () => {
    // 60 writes a minute: 3 at once, then about one a second.
    const budgets = new RequestBudgets({
      pointsPerMinute: 600,
      concurrent: 50,
      contentPerMinute: 60,
      contentPerHour: 500,
    });
    const github = new GithubApp({
      github: { appId: sim.app.id, privateKey: sim.app.privateKey, webhookSecret: 'unused', apiUrl: sim.apiUrl },
      logger: silentLogger,
      octokit: { retryBaseMs: 10 },
      requestBudgets: budgets,
    });
    const stageRuns = new StageRuns({
      github,
      reads: new GithubReads(github),
      store: temp.store,
      logger: silentLogger,
      sendWaitMs: 300,
    });

    const first = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => stageRuns.dispatch(request(i))));
    const queued = first.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [{ i: i + 1, error: outcome.reason }] : [],
    );
    expect(queued.length).toBeGreaterThanOrEqual(1);
    for (const { error } of queued) {
      expect(error).toBeInstanceOf(DispatchQueuedError);
      expect(error).toMatchObject({ statusCode: 503, retryAfterSeconds: 10 });
      expect((error as Error).message).toMatch(/still queued .* 80 dispatches and other writes a minute/);
    }

    // Orca calls again with the same body until it gets an answer (here without its 10 s pause).
    const runIds = first.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.run.id : undefined));
    for (const { i } of queued) {
      for (let attempt = 0; attempt < 50 && runIds[i - 1] === undefined; attempt++) {
        const retried = await stageRuns.dispatch(request(i)).catch((error: unknown) => {
          if (error instanceof DispatchQueuedError) return undefined;
          throw error;
        });
        runIds[i - 1] = retried?.run.id;
      }
    }

    expect(runIds.every((id) => id !== undefined)).toBe(true);
    expect(new Set(runIds).size).toBe(5);
    expect(sim.dispatches).toHaveLength(5);
  });
});
