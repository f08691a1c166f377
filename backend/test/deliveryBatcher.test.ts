import { describe, expect, it } from 'vitest';
import { DeliveryBatcher } from '../src/store/deliveryBatcher.js';
import { claimDueDeliveries } from '../src/store/index.js';
import { useTempStore } from './support/app.js';

const temp = useTempStore();

describe('DeliveryBatcher', () => {
  it('stores deliveries that arrive together in one write and answers each, a repeated id as a duplicate', async () => {
    const batcher = new DeliveryBatcher(temp.store);
    const ids = ['a', 'b', 'a', 'c', 'b'];
    const results = await Promise.all(
      ids.map((id) => batcher.record({ id, event: 'push', payload: `{"id":"${id}"}` })),
    );

    expect(results.map((r) => r.inserted)).toEqual([true, true, false, true, false]);
    expect(await batcher.record({ id: 'c', event: 'push', payload: '{}' })).toEqual({ inserted: false });
    const stored = await claimDueDeliveries(temp.store, { limit: 10, leaseMs: 1000 });
    expect(stored.map((d) => [d.id, d.payload]).sort()).toEqual([
      ['a', '{"id":"a"}'],
      ['b', '{"id":"b"}'],
      ['c', '{"id":"c"}'],
    ]);
  });

  it('rejects every delivery of a write that failed, and keeps working after', async () => {
    const batcher = new DeliveryBatcher(temp.store);
    // No time of receipt: the insert breaks a NOT NULL constraint and the whole batch is refused.
    const bad = { id: 'x', event: 'push', payload: '{}', receivedAt: new Date(Number.NaN) };
    await expect(Promise.all([batcher.record(bad), batcher.record({ ...bad, id: 'y' })])).rejects.toThrow();
    expect(await batcher.record({ id: 'z', event: 'push', payload: '{}' })).toEqual({ inserted: true });
  });
});
