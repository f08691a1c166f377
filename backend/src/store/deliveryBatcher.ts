import type { DeliveryRow } from './deliveries.js';

interface Pending {
  row: DeliveryRow;
  resolve: (result: { inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

/**
 * Group commit for webhook deliveries to PostgreSQL: the deliveries that arrive while a write is under way are
 * stored together in the next one (one multi-row insert, one commit, one fsync), and each caller's promise settles
 * only after that commit. Durable before the 202 as one insert per delivery would be, at a fraction of the commits.
 * The embedded store's writer thread groups its commits itself (deliveryWriter.worker.ts).
 */
export class DeliveryBatcher {
  private queue: Pending[] = [];
  private writing = false;

  /** `write` stores rows in one commit and answers the ids that were new (insertDeliveries in deliveries.ts). */
  constructor(private readonly write: (rows: DeliveryRow[]) => Promise<Set<string>>) {}

  /** Stores a delivery unless one with that id is stored already (or earlier in the same batch). */
  record(row: DeliveryRow): Promise<{ inserted: boolean }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || !this.queue.length) return;
    this.writing = true;
    // Let the requests already read from their sockets join this batch.
    setImmediate(() => {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.write(batch.map((pending) => pending.row))
        .then(
          (inserted) => {
            for (const pending of batch) pending.resolve({ inserted: inserted.delete(pending.row.id) });
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        )
        .finally(() => {
          this.writing = false;
          this.flush();
        });
    });
  }
}
