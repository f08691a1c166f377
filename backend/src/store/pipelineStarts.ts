import type { Kysely } from 'kysely';
import type { Database, PipelineStartStatus } from './schema.js';

export interface PipelineStart {
  deliveryId: string;
  pipelineId: string;
  application: string;
  pipelineName: string;
  trigger: Record<string, unknown>;
  status: PipelineStartStatus;
  attempts: number;
  lastError: string | null;
  executionId: string | null;
  /** When the delivery's match recorded it: no attempt to start it can be older. */
  createdAt: Date;
  updatedAt: Date;
}

type Row = Database['pipeline_starts'] & { attempts: number };

const toStart = (row: Row): PipelineStart => ({
  deliveryId: row.delivery_id,
  pipelineId: row.pipeline_id,
  application: row.application,
  pipelineName: row.pipeline_name,
  trigger: JSON.parse(row.trigger) as Record<string, unknown>,
  status: row.status,
  attempts: Number(row.attempts),
  lastError: row.last_error,
  executionId: row.execution_id,
  createdAt: new Date(Number(row.created_at)),
  updatedAt: new Date(Number(row.updated_at)),
});

/** Records the pipelines a delivery matched; rows recorded by an earlier attempt are kept as they are. */
export async function recordPipelineStarts(
  db: Kysely<Database>,
  deliveryId: string,
  starts: { pipelineId: string; application: string; pipelineName: string; trigger: Record<string, unknown> }[],
  now = new Date(),
): Promise<void> {
  if (!starts.length) return;
  await db
    .insertInto('pipeline_starts')
    .values(
      starts.map((start) => ({
        delivery_id: deliveryId,
        pipeline_id: start.pipelineId,
        application: start.application,
        pipeline_name: start.pipelineName,
        trigger: JSON.stringify(start.trigger),
        status: 'pending' as const,
        created_at: now.getTime(),
        updated_at: now.getTime(),
      })),
    )
    .onConflict((oc) => oc.columns(['delivery_id', 'pipeline_id']).doNothing())
    .execute();
}

export async function pipelineStartsOf(db: Kysely<Database>, deliveryId: string): Promise<PipelineStart[]> {
  const rows = await db.selectFrom('pipeline_starts').selectAll().where('delivery_id', '=', deliveryId).execute();
  return rows.map((row) => toStart(row as Row));
}

/** Counts an attempt before Gate is asked, so that after a crash the next attempt first looks for its execution. */
export async function notePipelineStartAttempt(
  db: Kysely<Database>,
  key: { deliveryId: string; pipelineId: string },
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('pipeline_starts')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now.getTime() }))
    .where('delivery_id', '=', key.deliveryId)
    .where('pipeline_id', '=', key.pipelineId)
    .execute();
}

export async function markPipelineStarted(
  db: Kysely<Database>,
  key: { deliveryId: string; pipelineId: string },
  executionId: string | null,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('pipeline_starts')
    .set({ status: 'started', execution_id: executionId, last_error: null, updated_at: now.getTime() })
    .where('delivery_id', '=', key.deliveryId)
    .where('pipeline_id', '=', key.pipelineId)
    .execute();
}

/** Records why an attempt failed; `final` gives up for good (it stays visible as failed). */
export async function markPipelineStartFailed(
  db: Kysely<Database>,
  key: { deliveryId: string; pipelineId: string },
  error: string,
  { final }: { final: boolean },
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('pipeline_starts')
    .set({ status: final ? 'failed' : 'pending', last_error: error, updated_at: now.getTime() })
    .where('delivery_id', '=', key.deliveryId)
    .where('pipeline_id', '=', key.pipelineId)
    .execute();
}

export async function failedPipelineStarts(db: Kysely<Database>, limit = 100): Promise<PipelineStart[]> {
  const rows = await db
    .selectFrom('pipeline_starts')
    .selectAll()
    .where('status', '=', 'failed')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => toStart(row as Row));
}

export async function countPipelineStarts(db: Kysely<Database>, status: PipelineStartStatus): Promise<number> {
  const row = await db
    .selectFrom('pipeline_starts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', status)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

const PRUNE_BATCH = 500;

/**
 * Drops the GitHub event from the triggers of pipeline starts that are settled (started, or failed for good), last
 * changed before `before`, and whose delivery is handled: the event is nearly all of each row, and nothing reads it
 * again (the execution in Spinnaker keeps its own copy). The trigger keeps its `type`. Answers how many were pruned.
 */
export async function prunePipelineStartTriggers(db: Kysely<Database>, before: Date): Promise<number> {
  let pruned = 0;
  for (;;) {
    const rows = await db
      .selectFrom('pipeline_starts')
      .select(['delivery_id', 'pipeline_id', 'trigger'])
      .where('status', 'in', ['started', 'failed'])
      .where('updated_at', '<', before.getTime())
      .where('trigger', 'like', '%"payload":%')
      .where('delivery_id', 'in', (eb) =>
        eb.selectFrom('deliveries').select('id').where('status', 'in', ['processed', 'failed']),
      )
      .limit(PRUNE_BATCH)
      .execute();
    // One commit per batch, not one per row (each commit is an fsync).
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const { type } = JSON.parse(row.trigger) as { type?: unknown };
        // Nothing of the old text is kept, so the row never matches the `like` above again.
        await trx
          .updateTable('pipeline_starts')
          .set({ trigger: JSON.stringify({ type, pruned: 'after DELIVERY_BODY_RETENTION_DAYS' }) })
          .where('delivery_id', '=', row.delivery_id)
          .where('pipeline_id', '=', row.pipeline_id)
          .execute();
      }
    });
    pruned += rows.length;
    if (rows.length < PRUNE_BATCH) return pruned;
  }
}
