import type { Kysely } from 'kysely';
import type { NewDelivery } from './deliveries.js';
import type { Database } from './schema.js';

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
 */
export class DeliveryBatcher {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a delivery unless one with that id is stored already (or earlier in the same batch). */
  record(delivery: NewDelivery): Promise<{ inserted: boolean }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the requests already read from their sockets join this batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const inserted = await this.write(batch.map((p) => p.delivery));
        for (const pending of batch) {
          const first = inserted.delete(pending.delivery.id);
          pending.resolve({ inserted: first });
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.writing = false;
  }

  private async write(deliveries: NewDelivery[]): Promise<Set<string>> {
    const now = Date.now();
    const rows = await this.db
      .insertInto('deliveries')
      .values(
        deliveries.map((delivery) => {
          const receivedAt = delivery.receivedAt?.getTime() ?? now;
          return {
            id: delivery.id,
            event: delivery.event,
            action: delivery.action ?? null,
            payload: delivery.payload,
            received_at: receivedAt,
            status: 'pending' as const,
            next_attempt_at: receivedAt,
          };
        }),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    return new Set(rows.map((row) => row.id));
  }
}
