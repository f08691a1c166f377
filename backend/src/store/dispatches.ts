import type { Kysely, Selectable } from 'kysely';
import type { Database, DispatchesTable } from './schema.js';

export interface NewDispatch {
  /** Idempotency key from Orca, e.g. execution id + stage id. */
  key: string;
  owner: string;
  repo: string;
  correlationId: string;
  /** The dispatch request as JSON text. */
  request: string;
}

export interface Dispatch extends NewDispatch {
  runId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const toDispatch = (row: Selectable<DispatchesTable>): Dispatch => ({
  key: row.key,
  owner: row.owner,
  repo: row.repo,
  correlationId: row.correlation_id,
  request: row.request,
  runId: row.run_id,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export async function findDispatch(db: Kysely<Database>, key: string): Promise<Dispatch | undefined> {
  const row = await db.selectFrom('dispatches').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toDispatch(row);
}

/** The dispatch that started a run, if this backend started it. */
export async function findDispatchByRun(
  db: Kysely<Database>,
  { owner, repo, runId }: { owner: string; repo: string; runId: number },
): Promise<Dispatch | undefined> {
  const row = await db
    .selectFrom('dispatches')
    .selectAll()
    .where('owner', '=', owner)
    .where('repo', '=', repo)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return row && toDispatch(row);
}

/** Stores the dispatch unless its key is already stored; `inserted: false` means an earlier call owns it. */
export async function recordDispatch(
  db: Kysely<Database>,
  dispatch: NewDispatch,
  now = new Date(),
): Promise<{ inserted: boolean }> {
  const result = await db
    .insertInto('dispatches')
    .values({
      key: dispatch.key,
      owner: dispatch.owner,
      repo: dispatch.repo,
      correlation_id: dispatch.correlationId,
      request: dispatch.request,
      run_id: null,
      polled_at: null,
      watch_ended_at: null,
      created_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return { inserted: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/** Remembers which workflow run the dispatch started; `updated: false` when no dispatch has that key. */
export async function setDispatchRun(
  db: Kysely<Database>,
  key: string,
  runId: number,
  now = new Date(),
): Promise<{ updated: boolean }> {
  const result = await db
    .updateTable('dispatches')
    .set({ run_id: runId, updated_at: now.getTime() })
    .where('key', '=', key)
    .executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) > 0 };
}

/** Forgets a dispatch GitHub refused, so that a corrected retry may dispatch. */
export async function deleteDispatch(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('dispatches').where('key', '=', key).execute();
}

/** Which of `runIds` in the repository other dispatches already took. */
export async function claimedRunIds(
  db: Kysely<Database>,
  { owner, repo, runIds }: { owner: string; repo: string; runIds: number[] },
): Promise<Set<number>> {
  if (!runIds.length) return new Set();
  const rows = await db
    .selectFrom('dispatches')
    .select('run_id')
    .where('owner', '=', owner)
    .where('repo', '=', repo)
    .where('run_id', 'in', runIds)
    .execute();
  return new Set(rows.map((row) => Number(row.run_id)));
}

/** Notes that Orca polls this run (the first poll only writes). */
export async function markDispatchPolled(
  db: Kysely<Database>,
  { owner, repo, runId }: { owner: string; repo: string; runId: number },
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('dispatches')
    .set({ polled_at: now.getTime() })
    .where('owner', '=', owner)
    .where('repo', '=', repo)
    .where('run_id', '=', runId)
    .where('polled_at', 'is', null)
    .execute();
}

/** Dispatches since `since` whose run Orca has not polled and whose watch has not ended, oldest first. */
export async function unpolledDispatches(db: Kysely<Database>, since: Date, limit = 500): Promise<Dispatch[]> {
  const rows = await db
    .selectFrom('dispatches')
    .selectAll()
    .where('polled_at', 'is', null)
    .where('watch_ended_at', 'is', null)
    .where('created_at', '>=', since.getTime())
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map(toDispatch);
}

export async function endDispatchWatch(db: Kysely<Database>, key: string, now = new Date()): Promise<void> {
  await db.updateTable('dispatches').set({ watch_ended_at: now.getTime() }).where('key', '=', key).execute();
}
