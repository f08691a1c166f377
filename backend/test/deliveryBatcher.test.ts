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
      ids.map((id) => batcher.record({ id, event: 'push', payload: Buffer.from(`{"id":"${id}"}`) })),
    );

    expect(results.map((r) => r.inserted)).toEqual([true, true, false, true, false]);
    expect(await batcher.record({ id: 'c', event: 'push', payload: Buffer.from('{}') })).toEqual({ inserted: false });
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
    const bad = { id: 'x', event: 'push', receivedAt: new Date(Number.NaN) };
    await expect(
      Promise.all([
        batcher.record({ ...bad, payload: Buffer.from('{}') }),
        batcher.record({ ...bad, id: 'y', payload: Buffer.from('{}') }),
      ]),
    ).rejects.toThrow();
    expect(await batcher.record({ id: 'z', event: 'push', payload: Buffer.from('{}') })).toEqual({ inserted: true });
  });

  it('stores a large body, whose memory it hands to the writer, and a small one from the shared pool, intact', async () => {
    const batcher = new DeliveryBatcher(temp.store);
    const large = JSON.stringify({ action: 'completed', log: 'ü✓'.repeat(3_000) });
    // As raw-body gives a request body: a Buffer that owns all of its memory.
    const owned = Buffer.concat([Buffer.from(large)]);
    expect(owned.byteLength).toBe(owned.buffer.byteLength);
    const pooled = Buffer.from('{"small":true}');
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);

    await Promise.all([
      batcher.record({ id: 'large', event: 'push', payload: owned }),
      batcher.record({ id: 'small', event: 'push', payload: pooled }),
    ]);

    const stored = await claimDueDeliveries(temp.store, { limit: 10, leaseMs: 1000 });
    const payloadOf = (id: string) => stored.find((d) => d.id === id)?.payload;
    expect(payloadOf('large') === large).toBe(true);
    expect(payloadOf('small')).toBe('{"small":true}');
  });
});
