import { afterEach, describe, expect, it } from 'vitest';
import { backoff, claimDue, drainDue, queueStatusUpdate, renewLease, settle, type Store } from '../src/store/index.js';
import { STATUS_UPDATES } from '../src/store/deployments.js';
import type { DeploymentState } from '../src/store/schema.js';
import { TestClock } from './support/clock.js';
import { DIALECTS, targetOf, type Target } from './support/stores.js';

const T0 = new Date('2025-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** Queues `in_progress` then `success` for each deployment, as the deployment status worker does. */
async function queue(
  store: Store,
  deployments: number[],
  states: readonly DeploymentState[] = ['in_progress', 'success'],
): Promise<void> {
  for (const [offset, state] of states.entries()) {
    for (const deploymentId of deployments) {
      await queueStatusUpdate(
        store.db,
        { deploymentId, state, owner: 'octo', repo: 'app', description: state, logUrl: 'u', environmentUrl: null },
        at(offset),
      );
    }
  }
}

const keysOf = (rows: { deployment_id: number; state: string }[]) =>
  rows.map((row) => `${row.deployment_id}:${row.state}`).sort();

describe('backoff', () => {
  it('waits the base delay after the first attempt, doubling up to the cap', () => {
    const options = { baseMs: 5_000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 20].map((attempt) => backoff(attempt, options))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
  });
});

for (const { kind, skipped } of DIALECTS) {
  describe.skipIf(skipped !== undefined)(`the work queue on ${kind}${skipped ? ` (${skipped})` : ''}`, () => {
    let target: Target;
    const opened: Store[] = [];
    async function open(): Promise<Store> {
      const store = await target.open();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await target.drop();
    });

    it('never gives a row with a two-column key to two claimers at once, nor more than asked', async () => {
      target = await targetOf(kind);
      const [a, b] = [await open(), await open()];
      const deployments = Array.from({ length: 15 }, (_, i) => i + 1);
      await queue(a, deployments);

      const taken: string[][] = [[], []];
      for (;;) {
        const batches = await Promise.all(
          [a, b].map((store) => claimDue(store, STATUS_UPDATES, { now: at(10), limit: 4, leaseMs: 60_000 })),
        );
        if (batches.every((batch) => !batch.length)) break;
        expect(batches.every((batch) => batch.length <= 4)).toBe(true);
        batches.forEach((batch, i) => taken[i]!.push(...keysOf(batch)));
        // Settled, so that each deployment's `success` may follow its `in_progress`.
        for (const row of batches.flat()) await settle(a.db, STATUS_UPDATES, row, { status: 'sent' });
      }

      expect(taken[0]!.filter((key) => taken[1]!.includes(key))).toEqual([]);
      expect(taken.flat()).toHaveLength(30);
    });

    it('holds a later row back while an earlier one of the same deployment is leased', async () => {
      target = await targetOf(kind);
      const store = await open();
      await queue(store, [7]);
      await claimDue(store, STATUS_UPDATES, { now: at(5), dueBy: at(0), limit: 10, leaseMs: 1_000 });

      expect(await claimDue(store, STATUS_UPDATES, { now: at(10), limit: 10, leaseMs: 1_000 })).toEqual([]);
      // The lease of `in_progress` ran out: it comes again, with `success` behind it in the same batch.
      expect(keysOf(await claimDue(store, STATUS_UPDATES, { now: at(1_005), limit: 10, leaseMs: 1_000 }))).toEqual([
        '7:in_progress',
        '7:success',
      ]);
    });

    it('renews a lease only for the claimer whose lease it still is', async () => {
      target = await targetOf(kind);
      const store = await open();
      await queue(store, [1]);
      const [first] = await claimDue(store, STATUS_UPDATES, { now: at(0), limit: 1, leaseMs: 1_000 });
      const lease = Number(first!.next_attempt_at);
      expect(await renewLease(store.db, STATUS_UPDATES, first!, lease, at(2_000))).toBe(true);
      expect(await claimDue(store, STATUS_UPDATES, { now: at(1_500), limit: 1, leaseMs: 1_000 })).toEqual([]);

      // This worker stalled past its renewed lease, and another took the row meanwhile.
      const [again] = await claimDue(store, STATUS_UPDATES, { now: at(2_000), limit: 1, leaseMs: 1_000 });
      expect(keysOf([again!])).toEqual(['1:in_progress']);
      expect(await renewLease(store.db, STATUS_UPDATES, first!, at(2_000).getTime(), at(5_000))).toBe(false);
      expect(await renewLease(store.db, STATUS_UPDATES, again!, Number(again!.next_attempt_at), at(5_000))).toBe(true);
    });

    it('settles a row once: a retry comes back at its time with the attempt counted, an end state stays', async () => {
      target = await targetOf(kind);
      const store = await open();
      await queue(store, [1]);
      const [row] = await claimDue(store, STATUS_UPDATES, { now: at(0), limit: 1, leaseMs: 1_000 });
      const retry = { retryAt: at(30_000), count: 'attempts', set: { last_error: 'GitHub answered 502' } };
      expect(await settle(store.db, STATUS_UPDATES, row!, retry)).toBe(true);

      expect(await claimDue(store, STATUS_UPDATES, { now: at(29_999), limit: 1, leaseMs: 1_000 })).toEqual([]);
      const [again] = await claimDue(store, STATUS_UPDATES, { now: at(30_000), limit: 1, leaseMs: 1_000 });
      expect(again).toMatchObject({ state: 'in_progress', attempts: 1, last_error: 'GitHub answered 502' });

      expect(await settle(store.db, STATUS_UPDATES, again!, { status: 'failed' })).toBe(true);
      expect(await settle(store.db, STATUS_UPDATES, again!, { status: 'sent' })).toBe(false);
      expect(await settle(store.db, STATUS_UPDATES, again!, { retryAt: at(0) })).toBe(false);
      const rows = await store.db.selectFrom('deployment_status_updates').select(['state', 'status']).execute();
      expect(rows.find((r) => r.state === 'in_progress')).toEqual({ state: 'in_progress', status: 'failed' });
    });

    it('drains what was due when it began and returns, though each row is retried at once', async () => {
      target = await targetOf(kind);
      const store = await open();
      await queue(store, [1, 2, 3], ['in_progress']);
      const clock = new TestClock();
      clock.advance(at(10).getTime() - Date.now());
      const handled: string[] = [];

      await drainDue(
        clock,
        (due) => claimDue(store, STATUS_UPDATES, { ...due, limit: 2, leaseMs: 60_000 }),
        async (row) => {
          handled.push(`${row.deployment_id}:${row.state}`);
          clock.advance(1);
          await settle(store.db, STATUS_UPDATES, row, { retryAt: clock.now() });
        },
      );

      expect(handled.sort()).toEqual(['1:in_progress', '2:in_progress', '3:in_progress']);
    });
  });
}
