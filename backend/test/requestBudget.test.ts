import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { budgetShare, RequestBudgets } from '../src/github/requestBudget.js';

const dispatch = { method: 'POST', path: '/repos/octo-org/hello-world/actions/workflows/deploy.yml/dispatches' };
const status = { method: 'POST', path: '/repos/octo-org/hello-world/deployments/1/statuses' };
const read = { method: 'GET', path: '/repos/octo-org/hello-world/actions/runs/1' };

/** The most requests sent in any `windowMs` (times sorted). */
const mostInAnyWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((start, i) => times.slice(i).filter((t) => t < start + windowMs).length));

describe('RequestBudgets', () => {
  // Bottleneck keeps its own timers: the test moves them on instead of waiting.
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('sends 100 dispatches requested at once within Orca’s 120 s, each once, never more than 80 in a minute', async () => {
    const budget = new RequestBudgets().of('11');
    const sent: number[] = [];
    const done = Array.from({ length: 100 }, (_, i) =>
      budget.schedule(dispatch, async () => {
        sent.push(Date.now());
        return i;
      }),
    );
    for (let s = 0; s < 180 && sent.length < 100; s++) await vi.advanceTimersByTimeAsync(1_000);

    expect(await Promise.all(done)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sent).toHaveLength(100);
    expect(mostInAnyWindow(sent, 60_000)).toBeLessThanOrEqual(80);
    // Sent within 90 s: Orca's call (120 s) then still has the run lookup's 30 s.
    expect(Math.max(...sent)).toBeLessThan(90_000);
  });

  it('keeps two replicas, each with its share (GITHUB_BUDGET_REPLICAS=2), within 80 dispatches in any minute', async () => {
    const replicas = [new RequestBudgets(budgetShare(2)).of('11'), new RequestBudgets(budgetShare(2)).of('11')];
    const sent: number[] = [];
    const done = replicas.flatMap((budget) =>
      Array.from({ length: 60 }, () => budget.schedule(dispatch, async () => void sent.push(Date.now()))),
    );
    for (let s = 0; s < 300 && sent.length < 120; s++) await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(done);

    expect(sent).toHaveLength(120);
    expect(
      mostInAnyWindow(
        sent.sort((a, b) => a - b),
        60_000,
      ),
    ).toBeLessThanOrEqual(80);
  });

  it('lets a dispatch that arrives while writes wait go before them', async () => {
    const budget = new RequestBudgets({
      pointsPerMinute: 600,
      concurrent: 50,
      contentPerMinute: 12,
      contentPerHour: 500,
    }).of('11');
    const order: string[] = [];
    const statuses = Array.from({ length: 10 }, (_, i) =>
      budget.schedule(status, async () => void order.push(`status ${i}`)),
    );
    const late = budget.schedule(dispatch, async () => void order.push('dispatch'));
    for (let s = 0; s < 120 && order.length < 11; s++) await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([...statuses, late]);

    // One status fits the burst at once; the dispatch goes next, ahead of the statuses still waiting.
    expect(order.indexOf('dispatch')).toBeLessThanOrEqual(2);
    expect(order).toHaveLength(11);
  });

  it('keeps reads within the points a minute, and shows the queue on /metrics', async () => {
    const budgets = new RequestBudgets({
      pointsPerMinute: 60,
      concurrent: 50,
      contentPerMinute: 80,
      contentPerHour: 500,
    });
    const registry = new Registry();
    budgets.register(registry);
    const budget = budgets.of('11');
    const sent: number[] = [];
    const reads = Array.from({ length: 100 }, () => budget.schedule(read, async () => void sent.push(Date.now())));
    await vi.advanceTimersByTimeAsync(0);

    // One gauge: Bottleneck answers its reservoir (github_request_budget_available) through its own timers.
    const metrics = await registry.getSingleMetricAsString('github_request_budget_queued');
    const queued = /github_request_budget_queued\{installation="11",bucket="points"\} (\d+)/.exec(metrics)?.[1];
    // The bucket lets 10 points through at once; at least the other 90 wait.
    expect(Number(queued)).toBeGreaterThanOrEqual(90);
    for (let s = 0; s < 200 && sent.length < 100; s++) await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(reads);
    expect(mostInAnyWindow(sent, 60_000)).toBeLessThanOrEqual(60);
  });

  it("shows GitHub's primary rate limit of each installation, as its last answer said, and all of it after the reset", async () => {
    const budgets = new RequestBudgets();
    const registry = new Registry();
    budgets.register(registry);
    budgets.of('11').observe({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '321',
      'x-ratelimit-reset': '60',
      'x-ratelimit-resource': 'core',
    });
    // Another resource's limit (search) is not the one the backend's requests count against.
    budgets
      .of('11')
      .observe({ 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-resource': 'search' });
    const remaining = async () =>
      /github_rate_limit_remaining\{installation="11"\} (\d+)/.exec(
        await registry.getSingleMetricAsString('github_rate_limit_remaining'),
      )?.[1];

    const before = await remaining();
    await vi.advanceTimersByTimeAsync(60_000);

    expect([before, await remaining()]).toEqual(['321', '5000']);
    expect(await registry.getSingleMetricAsString('github_rate_limit_limit')).toContain(
      'github_rate_limit_limit{installation="11"} 5000',
    );
  });
});
