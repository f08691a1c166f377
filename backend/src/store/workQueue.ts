import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import type { Clock } from '../clock.js';
import type { Store } from './database.js';
import type { Database } from './schema.js';

type Column<T extends keyof Database> = keyof Database[T] & string;
type Row<T extends keyof Database> = Selectable<Database[T]>;
type Loose = Record<string, Record<string, unknown>>;
type AnyDb = Kysely<Loose>;

/**
 * A table whose rows are work to do, each due at a time and done by one worker at a time. A claim leases due rows:
 * it moves their due time `leaseMs` ahead, so no other worker (or replica) takes them meanwhile, and if the worker
 * dies they come due again. The due time a claim or renewal set is the lease's proof: once it changed, the lease
 * is someone else's.
 *
 * No library covers this on both SQLite and PostgreSQL (pg-boss and graphile-worker are PostgreSQL only and keep
 * the work in their own tables, away from the rows it is about), so it is written once, here.
 */
export interface WorkQueue<T extends keyof Database> {
  table: T;
  /** The columns that name one row. */
  key: readonly Column<T>[];
  /** The column that says whether the row still waits for work, and its value while it does. */
  status: Column<T>;
  pending: string;
  /** When a worker may next take the row (epoch ms); a claim moves it ahead by the lease. */
  dueAt: Column<T>;
  /** Counted up by each claim, when a claim is an attempt (a worker that died mid-way still used it up). */
  claims?: Column<T>;
  /** Set to the time of each settle, when the table keeps one. */
  updatedAt?: Column<T>;
  /** Which due rows go first. */
  order: readonly Column<T>[];
  /** A further condition a due row must meet; the row is aliased `item`. */
  ready?: (eb: ExpressionBuilder<Loose, string>, at: number) => Expression<SqlBool>;
}

/** The same, with the names as plain strings, for Kysely's dynamic table and column names. */
interface LooseQueue {
  table: string;
  key: readonly string[];
  status: string;
  pending: string;
  dueAt: string;
  claims?: string;
  updatedAt?: string;
  order: readonly string[];
  ready?: WorkQueue<keyof Database>['ready'];
}

export type Claimed<T extends keyof Database> = Row<T>;
type Key<T extends keyof Database> = Partial<Row<T>>;

function whereKey(key: readonly string[], item: object) {
  return (eb: ExpressionBuilder<Loose, string>) =>
    eb.and(key.map((column) => eb(column, '=', (item as Record<string, unknown>)[column])));
}

/**
 * Takes up to `limit` pending rows due by `dueBy` (default `now`) and leases them until `now + leaseMs`. A loop that
 * claims with a fixed `dueBy` ends: each claim moves its rows past it. Rows come back in no particular order.
 */
export async function claimDue<T extends keyof Database>(
  { kind, db }: Pick<Store, 'kind' | 'db'>,
  queue: WorkQueue<T>,
  { now = new Date(), dueBy = now, limit, leaseMs }: { now?: Date; dueBy?: Date; limit: number; leaseMs: number },
): Promise<Claimed<T>[]> {
  const q: LooseQueue = queue;
  const at = now.getTime();
  const until = at + leaseMs;
  const any = db as unknown as AnyDb;
  const due = (trx: AnyDb, columns: readonly string[]) => {
    let select = trx
      .selectFrom(`${q.table} as item`)
      .select(columns.map((column) => `item.${column}`))
      .where(`item.${q.status}`, '=', q.pending)
      .where(`item.${q.dueAt}`, '<=', Math.min(dueBy.getTime(), at));
    if (q.ready) select = select.where((eb) => q.ready!(eb, at));
    for (const column of q.order) select = select.orderBy(`item.${column}`);
    return select.limit(limit);
  };
  const lease = (trx: AnyDb) =>
    trx.updateTable(q.table).set((eb) => ({
      [q.dueAt]: until,
      ...(q.claims ? { [q.claims]: eb(q.claims, '+', 1) } : {}),
    }));
  const rows =
    kind === 'postgres'
      ? // Two statements, not `UPDATE … WHERE id IN (SELECT … LIMIT … SKIP LOCKED)`: the planner may run that
        // subquery once per row, and one claimer then takes far more than `limit`.
        await any.transaction().execute(async (trx) => {
          const keys = await due(trx, q.key).forUpdate().skipLocked().execute();
          if (!keys.length) return [];
          return lease(trx)
            .where((eb) => eb.or(keys.map((key) => whereKey(q.key, key)(eb))))
            .returningAll()
            .execute();
        })
      : // One statement: SQLite runs it as one write transaction, and writers queue behind each other. A read then
        // a write in one transaction would fail at once (SQLITE_BUSY_SNAPSHOT) if the delivery writer thread
        // committed in between. Every table here has a rowid.
        await lease(any)
          .where('rowid', 'in', due(any, ['rowid']))
          .returningAll()
          .execute();
  return rows as Claimed<T>[];
}

/**
 * Extends a lease to `until`, if it is still the one that ran until `leaseUntil`: answers false when it ran out and
 * another worker took the row since (or it was settled), and the row must be left alone.
 */
export async function renewLease<T extends keyof Database>(
  db: Kysely<Database>,
  queue: WorkQueue<T>,
  item: Key<T>,
  leaseUntil: number,
  until: Date,
): Promise<boolean> {
  const q: LooseQueue = queue;
  const result = await (db as unknown as AnyDb)
    .updateTable(q.table)
    .set({ [q.dueAt]: until.getTime() })
    .where(whereKey(q.key, item))
    .where(q.status, '=', q.pending)
    .where(q.dueAt, '=', leaseUntil)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type Settlement =
  /** Done with, for good: `status` is the row's end state (e.g. `processed`, `failed`). */
  | { status: string; set?: Record<string, unknown> }
  /** Still pending, due again at `retryAt`; `count` names a column to count up (an attempt, a check). */
  | { retryAt: Date; count?: string; set?: Record<string, unknown> };

/**
 * Ends a pending row or schedules it again, with `set` written alongside (`last_error`, …). Answers false when the
 * row was no longer pending (another worker settled it), and then changes nothing.
 */
export async function settle<T extends keyof Database>(
  db: Kysely<Database>,
  queue: WorkQueue<T>,
  item: Key<T>,
  settlement: Settlement,
  now = new Date(),
): Promise<boolean> {
  const q: LooseQueue = queue;
  const result = await (db as unknown as AnyDb)
    .updateTable(q.table)
    .set((eb) => ({
      ...settlement.set,
      ...(q.updatedAt ? { [q.updatedAt]: now.getTime() } : {}),
      ...('status' in settlement
        ? { [q.status]: settlement.status }
        : {
            [q.dueAt]: settlement.retryAt.getTime(),
            ...(settlement.count ? { [settlement.count]: eb(settlement.count, '+', 1) } : {}),
          }),
    }))
    .where(whereKey(q.key, item))
    .where(q.status, '=', q.pending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The delay before attempt `attempt + 1` (the first retry follows attempt 1): `baseMs`, doubling up to `maxMs`. */
export function backoff(attempt: number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  return Math.min(baseMs * 2 ** Math.max(attempt - 1, 0), maxMs);
}

/**
 * Handles every row that was due when it was called, a batch at a time, then returns: a row scheduled again
 * meanwhile is due later and waits for the next call, so work that is always due cannot keep the loop going.
 * Between batches it lets the event loop run (timers, HTTP requests, health checks), which awaiting a synchronous
 * SQLite and an in-process fetch would not.
 */
export async function drainDue<Item>(
  clock: Clock,
  claim: (at: { now: Date; dueBy: Date }) => Promise<Item[]>,
  handle: (item: Item) => Promise<void>,
): Promise<void> {
  const dueBy = clock.now();
  for (;;) {
    const batch = await claim({ now: clock.now(), dueBy });
    if (!batch.length) return;
    for (const item of batch) await handle(item);
    await nextTurn();
  }
}
