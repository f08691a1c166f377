import { describe, expect, it } from 'vitest';
import { DeliveryBatcher } from '../src/store/deliveryBatcher.js';
import { insertDeliveries, type DeliveryRow } from '../src/store/deliveries.js';
import { claimDueDeliveries } from '../src/store/index.js';
import { useTempStore } from './support/app.js';

const temp = useTempStore();

const row = (id: string, receivedAt = Date.now()): DeliveryRow => ({
  id,
  event: 'push',
  action: null,
  payload: Buffer.from(`{"id":"${id}"}`),
  receivedAt,
});

describe('DeliveryBatcher', () => {
  it('stores deliveries that arrive together in one write and answers each, a repeated id as a duplicate', async () => {
    const writes: string[][] = [];
    const batcher = new DeliveryBatcher((rows) => {
      writes.push(rows.map((r) => r.id));
      return insertDeliveries(temp.store.db, rows);
    });
    const results = await Promise.all(['a', 'b', 'a', 'c', 'b'].map((id) => batcher.record(row(id))));

    expect(results.map((r) => r.inserted)).toEqual([true, true, false, true, false]);
    expect(writes).toEqual([['a', 'b', 'a', 'c', 'b']]);
    expect(await batcher.record(row('c'))).toEqual({ inserted: false });
    const stored = await claimDueDeliveries(temp.store, { limit: 10, leaseMs: 1000 });
    expect(stored.map((d) => [d.id, d.payload]).sort()).toEqual([
      ['a', '{"id":"a"}'],
      ['b', '{"id":"b"}'],
      ['c', '{"id":"c"}'],
    ]);
  });

  it('rejects every delivery of a write that failed, and keeps working after', async () => {
    const batcher = new DeliveryBatcher((rows) => insertDeliveries(temp.store.db, rows));
    // No time of receipt: the insert breaks a NOT NULL constraint and the whole batch is refused.
    await expect(
      Promise.all([batcher.record(row('x', Number.NaN)), batcher.record(row('y', Number.NaN))]),
    ).rejects.toThrow();
    expect(await batcher.record(row('z'))).toEqual({ inserted: true });
  });
});
