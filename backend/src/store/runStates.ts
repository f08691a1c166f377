import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { JobDto, RunDto } from '../contract.js';
import type { Database } from './schema.js';

const STATUS_RANK: Record<string, number> = { requested: 1, pending: 1, waiting: 1, queued: 1, in_progress: 2 };

/** Orders the updates of one run or job: a later attempt first, then queued < in progress < completed. */
export const rankOf = (attempt: number, status: string): number => attempt * 10 + (STATUS_RANK[status] ?? 3);

export interface RunState {
  owner: string;
  repo: string;
  run: RunDto;
  jobs: JobDto[];
  eventAt: Date | null;
  fetchedAt: Date | null;
  jobsFetchedAt: Date | null;
}

/** Where an update comes from: an event (stamps `event_at`) or a read from GitHub (stamps `fetched_at`). */
export type Source = 'event' | 'read';

/** Starts following a run, or updates one followed; an update older than the stored state only stamps its time. */
export async function saveRun(
  db: Kysely<Database>,
  { owner, repo, run, source }: { owner: string; repo: string; run: RunDto; source: Source },
  now: Date,
): Promise<void> {
  const at = now.getTime();
  await db
    .insertInto('run_states')
    .values({
      run_id: run.id,
      owner,
      repo,
      run: JSON.stringify(run),
      rank: rankOf(run.runAttempt, run.status),
      completed: run.status === 'completed' ? 1 : 0,
      event_at: source === 'event' ? at : null,
      fetched_at: source === 'read' ? at : null,
      jobs_fetched_at: null,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.column('run_id').doUpdateSet({
        run: sql`case when excluded.rank >= run_states.rank then excluded.run else run_states.run end`,
        completed: sql`case when excluded.rank >= run_states.rank then excluded.completed else run_states.completed end`,
        rank: sql`case when excluded.rank >= run_states.rank then excluded.rank else run_states.rank end`,
        event_at: sql`coalesce(excluded.event_at, run_states.event_at)`,
        fetched_at: sql`coalesce(excluded.fetched_at, run_states.fetched_at)`,
        updated_at: at,
      }),
    )
    .execute();
}

/**
 * Applies an event (or, `source: 'read'`, a run listed by GitHub) to a followed run; answers false when the run is
 * not followed (nothing stored).
 */
export async function applyRunEvent(
  db: Kysely<Database>,
  run: RunDto,
  now: Date,
  source: Source = 'event',
): Promise<boolean> {
  const rank = rankOf(run.runAttempt, run.status);
  const result = await db
    .updateTable('run_states')
    .set({
      run: sql`case when rank <= ${rank} then ${JSON.stringify(run)} else run end`,
      completed: sql`case when rank <= ${rank} then ${run.status === 'completed' ? 1 : 0} else completed end`,
      rank: sql`case when rank <= ${rank} then ${rank} else rank end`,
      ...(source === 'event' ? { event_at: now.getTime() } : { fetched_at: now.getTime() }),
      updated_at: now.getTime(),
    })
    .where('run_id', '=', run.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Stores jobs of a followed run (from an event or a read); a job update older than the stored one is dropped.
 * `source: 'read'` also stamps the run's `jobs_fetched_at`, `'event'` its `event_at`. False when the run is not followed.
 */
export async function saveJobs(
  db: Kysely<Database>,
  { runId, jobs, runAttempt, source }: { runId: number; jobs: JobDto[]; runAttempt: number; source: Source },
  now: Date,
): Promise<boolean> {
  const at = now.getTime();
  const stamped = await db
    .updateTable('run_states')
    .set(source === 'read' ? { jobs_fetched_at: at } : { event_at: at })
    .where('run_id', '=', runId)
    .executeTakeFirst();
  if (Number(stamped.numUpdatedRows) === 0) return false;
  for (const job of jobs) {
    await db
      .insertInto('run_jobs')
      .values({
        job_id: job.id,
        run_id: runId,
        job: JSON.stringify(job),
        rank: rankOf(runAttempt, job.status),
        updated_at: at,
      })
      .onConflict((oc) =>
        oc
          .column('job_id')
          .doUpdateSet({ job: sql`excluded.job`, rank: sql`excluded.rank`, updated_at: at })
          .where('run_jobs.rank', '<=', sql<number>`excluded.rank`),
      )
      .execute();
  }
  return true;
}

export async function findRunState(db: Kysely<Database>, runId: number): Promise<RunState | undefined> {
  const row = await db.selectFrom('run_states').selectAll().where('run_id', '=', runId).executeTakeFirst();
  if (!row) return undefined;
  const jobs = await db
    .selectFrom('run_jobs')
    .select(['job', 'rank'])
    .where('run_id', '=', runId)
    .orderBy('job_id')
    .execute();
  const run = JSON.parse(row.run) as RunDto;
  const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  return {
    owner: row.owner,
    repo: row.repo,
    run,
    // As GitHub lists them (`filter=latest`): the jobs of the run's latest attempt.
    jobs: jobs
      .filter((job) => Math.floor(job.rank / 10) === run.runAttempt)
      .map((job) => JSON.parse(job.job) as JobDto),
    eventAt: date(row.event_at),
    fetchedAt: date(row.fetched_at),
    jobsFetchedAt: date(row.jobs_fetched_at),
  };
}

/**
 * Stores one job of a followed run as read from GitHub, unless the stored one is newer, without stamping the run: the
 * other jobs were not read with it.
 */
export async function saveJob(
  db: Kysely<Database>,
  { runId, job, runAttempt }: { runId: number; job: JobDto; runAttempt: number },
  now: Date,
): Promise<void> {
  await db
    .updateTable('run_jobs')
    .set({ job: JSON.stringify(job), rank: rankOf(runAttempt, job.status), updated_at: now.getTime() })
    .where('job_id', '=', job.id)
    .where('run_id', '=', runId)
    .where('rank', '<=', rankOf(runAttempt, job.status))
    .execute();
}

/**
 * Claims a read of a job from GitHub for all replicas: true for the one whose update finds the job's news as old as it
 * saw (`heard`, from `findJobNews`). The claim counts as news, so a read that fails is tried again a minute later.
 */
export async function claimJobRead(db: Kysely<Database>, jobId: number, heard: Date, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('run_jobs')
    .set({ updated_at: now.getTime() })
    .where('job_id', '=', jobId)
    .where('updated_at', '=', heard.getTime())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The run a job of a followed run belongs to, and when the job's stored state last changed (by an event or a read);
 * undefined when no followed run has the job.
 */
export async function findJobNews(
  db: Kysely<Database>,
  jobId: number,
): Promise<{ runId: number; updatedAt: Date } | undefined> {
  const row = await db
    .selectFrom('run_jobs')
    .select(['run_id', 'updated_at'])
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  return row === undefined ? undefined : { runId: Number(row.run_id), updatedAt: new Date(Number(row.updated_at)) };
}

const PRUNE_BATCH = 500;

/**
 * Drops the state (run and jobs) of runs nothing has changed since `before`, a few hundred per statement: completed
 * runs Orca no longer polls, and runs followed once and never again. The state is a copy of GitHub's: a run read
 * again after its state was dropped is read from GitHub and followed anew. Answers how many runs were dropped.
 */
export async function pruneRunStates(db: Kysely<Database>, before: Date): Promise<number> {
  let pruned = 0;
  for (;;) {
    const rows = await db
      .selectFrom('run_states')
      .select('run_id')
      .where('updated_at', '<', before.getTime())
      .limit(PRUNE_BATCH)
      .execute();
    const ids = rows.map((row) => row.run_id);
    if (ids.length) {
      await db.transaction().execute(async (trx) => {
        // An event applied since the select keeps its run (and its jobs).
        const dropped = await trx
          .deleteFrom('run_states')
          .where('run_id', 'in', ids)
          .where('updated_at', '<', before.getTime())
          .returning('run_id')
          .execute();
        if (dropped.length)
          await trx
            .deleteFrom('run_jobs')
            .where(
              'run_id',
              'in',
              dropped.map((row) => row.run_id),
            )
            .execute();
        pruned += dropped.length;
      });
    }
    if (ids.length < PRUNE_BATCH) return pruned;
    await nextTurn();
  }
}
