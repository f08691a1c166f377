import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import { unpackPayload } from './deliveryPayload.js';
import type { Database } from './schema.js';
import { claimDue, settle, type WorkQueue } from './workQueue.js';

export interface NewDelivery {
  /** `X-GitHub-Delivery`. */
  id: string;
  event: string;
  action?: string | null;
  /** The raw request body; the store may take its memory (deliveryWriter.ts), so do not read it after. */
  payload: Uint8Array;
  receivedAt?: Date;
}

/** A delivery as the store writes it. */
export interface DeliveryRow {
  id: string;
  event: string;
  action: string | null;
  /** The request body as GitHub sent it: its bytes, which go to the embedded store's writer thread without a copy. */
  payload: Uint8Array;
  /** Epoch milliseconds. */
  receivedAt: number;
}

export interface ClaimedDelivery {
  id: string;
  event: string;
  action: string | null;
  payload: string;
  receivedAt: Date;
  /** 1 on the first claim; counts claims, so a worker that died mid-way still used up an attempt. */
  attempt: number;
  /** When the claim runs out (epoch ms); proves the claim to `renewLease`. */
  leaseUntil: number;
}

function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Stores deliveries on PostgreSQL in one multi-row insert and one commit (DeliveryBatcher groups them). */
export async function insertDeliveries(db: Kysely<Database>, rows: DeliveryRow[]): Promise<Set<string>> {
  const inserted = await db
    .insertInto('deliveries')
    .values(
      rows.map((row) => ({
        id: row.id,
        event: row.event,
        action: row.action,
        // As text, which PostgreSQL compresses itself (lz4, migration 006) in its own process: 13 % more deliveries
        // per second than gzipping here, on the event loop (docs/performance.md), and `psql` shows it as it came.
        payload: textOf(row.payload),
        payload_gzip: null,
        received_at: row.receivedAt,
        status: 'pending' as const,
        next_attempt_at: row.receivedAt,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((row) => row.id));
}

export const DELIVERIES: WorkQueue<'deliveries'> = {
  table: 'deliveries',
  key: ['id'],
  status: 'status',
  pending: 'pending',
  dueAt: 'next_attempt_at',
  claims: 'attempts',
  order: ['next_attempt_at', 'id'],
};

/**
 * Takes up to `limit` pending deliveries that are due by `dueBy` (default `now`) and leases them for `leaseMs`
 * from `now` (workQueue.ts), oldest received first.
 */
export async function claimDueDeliveries(
  store: Pick<Store, 'kind' | 'db'>,
  options: { now?: Date; dueBy?: Date; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const rows = await claimDue(store, DELIVERIES, options);
  return rows
    .map((row) => ({
      id: row.id,
      event: row.event,
      action: row.action,
      payload: unpackPayload(row),
      receivedAt: new Date(row.received_at),
      attempt: row.attempts,
      leaseUntil: Number(row.next_attempt_at),
    }))
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id));
}

export async function markDeliveryProcessed(db: Kysely<Database>, id: string, now = new Date()): Promise<void> {
  await settle(db, DELIVERIES, { id }, { status: 'processed', set: { processed_at: now.getTime(), last_error: null } });
}

/** Records why processing failed, then either schedules another attempt at `retryAt` or gives up for good. */
export async function markDeliveryFailed(
  db: Kysely<Database>,
  id: string,
  error: string,
  outcome: { retryAt: Date } | { final: true },
): Promise<void> {
  await settle(
    db,
    DELIVERIES,
    { id },
    'retryAt' in outcome
      ? { retryAt: outcome.retryAt, set: { last_error: error } }
      : { status: 'failed', set: { last_error: error } },
  );
}

const PRUNE_BATCH = 500;

/**
 * Drops the bodies of deliveries handled (processed, or failed for good) before `before`, a few hundred rows per
 * statement so that no write holds the database for long. The rows and their ids stay: a redelivery or a replay of
 * an old id is still recognised as a duplicate. Answers how many bodies were dropped.
 */
export async function pruneDeliveryBodies(db: Kysely<Database>, before: Date): Promise<number> {
  let pruned = 0;
  for (;;) {
    const ids = db
      .selectFrom('deliveries')
      .select('id')
      .where('status', 'in', ['processed', 'failed'])
      .where('received_at', '<', before.getTime())
      .where((eb) => eb.or([eb('payload_gzip', 'is not', null), eb('payload', '!=', '')]))
      .limit(PRUNE_BATCH);
    const result = await db
      .updateTable('deliveries')
      .set({ payload: '', payload_gzip: null })
      .where('id', 'in', ids)
      .executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    pruned += count;
    if (count < PRUNE_BATCH) return pruned;
    // SQLite answers synchronously: without this, a large backlog would hold off requests until it is all pruned.
    await nextTurn();
  }
}
