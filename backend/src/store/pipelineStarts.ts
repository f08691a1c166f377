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
