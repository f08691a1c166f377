import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import { unpackPayload } from './deliveryPayload.js';
import type { Database } from './schema.js';

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

function dueIds(db: Kysely<Database>, at: number, limit: number) {
  return db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
}

function lease(db: Kysely<Database>, ids: string[] | ReturnType<typeof dueIds>, until: number) {
  return db
    .updateTable('deliveries')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: until }))
    .where('id', 'in', ids)
    .returning(['id', 'event', 'action', 'payload', 'payload_gzip', 'received_at', 'attempts'])
    .execute();
}

/**
 * Takes up to `limit` pending deliveries that are due by `dueBy` (default `now`) and leases them for `leaseMs`
 * from `now`: until the lease runs out no other claimer gets them, and if the worker never marks them they become
 * due again. A loop that claims with a fixed `dueBy` ends: each claim moves its deliveries past it.
 * Takes the store rather than `db` because each dialect needs its own way to do that atomically.
 */
export async function claimDueDeliveries(
  { kind, db }: Pick<Store, 'kind' | 'db'>,
  { now = new Date(), dueBy = now, limit, leaseMs }: { now?: Date; dueBy?: Date; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const at = now.getTime();
  const due = Math.min(dueBy.getTime(), at);
  const rows =
    kind === 'postgres'
      ? // Two statements, not `UPDATE … WHERE id IN (SELECT … LIMIT … SKIP LOCKED)`: the planner may run that
        // subquery once per row, and one claimer then takes far more than `limit`.
        await db.transaction().execute(async (trx) => {
          const rows = await dueIds(trx, due, limit).forUpdate().skipLocked().execute();
          const ids = rows.map((row) => row.id);
          return ids.length === 0 ? [] : lease(trx, ids, at + leaseMs);
        })
      : // SQLite runs one statement as one write transaction, and writers queue behind each other.
        await lease(db, dueIds(db, due, limit), at + leaseMs);
  return rows
    .map((row) => ({
      id: row.id,
      event: row.event,
      action: row.action,
      payload: unpackPayload(row),
      receivedAt: new Date(row.received_at),
      attempt: row.attempts,
    }))
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id));
}

/**
 * Extends this worker's claim on a delivery to `until`, unless the claim ran out and another worker claimed it
 * since (which counted another attempt): answers false then, and the delivery must be left alone.
 */
export async function renewDeliveryLease(
  db: Kysely<Database>,
  delivery: Pick<ClaimedDelivery, 'id' | 'attempt'>,
  until: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ next_attempt_at: until.getTime() })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', delivery.attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markDeliveryProcessed(db: Kysely<Database>, id: string, now = new Date()): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'processed', processed_at: now.getTime(), last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Records why processing failed, then either schedules another attempt at `retryAt` or gives up for good. */
export async function markDeliveryFailed(
  db: Kysely<Database>,
  id: string,
  error: string,
  outcome: { retryAt: Date } | { final: true },
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set(
      'retryAt' in outcome
        ? { last_error: error, next_attempt_at: outcome.retryAt.getTime() }
        : { last_error: error, status: 'failed' },
    )
    .where('id', '=', id)
    .execute();
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
