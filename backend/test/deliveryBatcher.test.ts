import { describe, expect, it } from 'vitest';
import { DeliveryBatcher } from '../src/store/deliveryBatcher.js';
import type { DeliveryRow } from '../src/store/deliveries.js';
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
      return temp.store.insertDeliveries(rows);
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
    const batcher = new DeliveryBatcher((rows) => temp.store.insertDeliveries(rows));
    // No time of receipt: the insert breaks a NOT NULL constraint and the whole batch is refused.
    await expect(
      Promise.all([batcher.record(row('x', Number.NaN)), batcher.record(row('y', Number.NaN))]),
    ).rejects.toThrow();
    expect(await batcher.record(row('z'))).toEqual({ inserted: true });
  });
});

describe('Store.recordDelivery on the embedded store', () => {
  const temp = useTempStore();

  it('stores deliveries sent at once, each answered after its commit, a repeated id as a duplicate', async () => {
    const results = await Promise.all(
      ['a', 'b', 'a'].map((id) => temp.store.recordDelivery({ id, event: 'push', payload: Buffer.from('{}') })),
    );
    expect(results.map((r) => r.inserted)).toEqual([true, true, false]);
    const stored = await claimDueDeliveries(temp.store, { limit: 10, leaseMs: 1000 });
    expect(stored.map((d) => d.id).sort()).toEqual(['a', 'b']);
  });

  it('stores a large body, whose memory it hands to the writer, and a small one from the shared pool, intact', async () => {
    const large = JSON.stringify({ action: 'completed', log: 'ü✓'.repeat(3_000) });
    // As raw-body gives a request body: a Buffer that owns all of its memory.
    const owned = Buffer.concat([Buffer.from(large)]);
    expect(owned.byteLength).toBe(owned.buffer.byteLength);
    const pooled = Buffer.from('{"small":true}');
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);

    await Promise.all([
      temp.store.recordDelivery({ id: 'large', event: 'push', payload: owned }),
      temp.store.recordDelivery({ id: 'small', event: 'push', payload: pooled }),
    ]);

    const stored = await claimDueDeliveries(temp.store, { limit: 10, leaseMs: 1000 });
    const payloadOf = (id: string) => stored.find((d) => d.id === id)?.payload;
    expect(payloadOf('large') === large).toBe(true);
    expect(payloadOf('small')).toBe('{"small":true}');
  });
});
