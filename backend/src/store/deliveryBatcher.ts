import type { Store } from './database.js';
import type { NewDelivery } from './deliveries.js';

interface Pending {
  delivery: NewDelivery;
  resolve: (result: { inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

/**
 * Group commit for webhook deliveries: the deliveries that arrive while a write is under way are stored together in
 * the next one (one multi-row insert, one commit, one fsync), and each caller's promise settles only after that
 * commit. Durable before the 202 as one insert per delivery would be, at a fraction of the commits.
 *
 * The embedded store's writer thread groups commits itself (deliveryWriter.worker.ts) and gzips while it waits, so
 * for it the deliveries read in one turn of the event loop are sent at once, without waiting for the last write.
 */
export class DeliveryBatcher {
  private queue: Pending[] = [];
  private writes = 0;
  private scheduled = false;
  private readonly maxWrites: number;

  constructor(private readonly store: Pick<Store, 'kind' | 'insertDeliveries'>) {
    this.maxWrites = store.kind === 'sqlite' ? Infinity : 1;
  }

  /** Stores a delivery unless one with that id is stored already (or earlier in the same batch). */
  record(delivery: NewDelivery): Promise<{ inserted: boolean }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writes >= this.maxWrites || !this.queue.length) return;
    this.scheduled = true;
    // Let the requests already read from their sockets join this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.writes < this.maxWrites && this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.writes++;
      this.write(batch.map((pending) => pending.delivery))
        .then(
          (inserted) => {
            for (const pending of batch) pending.resolve({ inserted: inserted.delete(pending.delivery.id) });
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        )
        .finally(() => {
          this.writes--;
          this.schedule();
        });
    }
  }

  private write(deliveries: NewDelivery[]): Promise<Set<string>> {
    const now = Date.now();
    return this.store.insertDeliveries(
      deliveries.map(({ id, event, action, payload, receivedAt }) => ({
        id,
        event,
        action: action ?? null,
        payload,
        receivedAt: receivedAt?.getTime() ?? now,
      })),
    );
  }
}
