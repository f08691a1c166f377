import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Store } from './database.js';
import type { CheckRunState, Database } from './schema.js';
import { claimDue, renewLease, settle, type WorkQueue } from './workQueue.js';

/** A check run on a commit that follows one pipeline execution. */
export interface CheckRunLink {
  executionId: string;
  owner: string;
  repo: string;
  headSha: string;
  checkRunId: number | null;
  /** Whether GitHub shows the check run completed (or showed the one a new check run is replacing). */
  checkRunCompleted: boolean;
  state: CheckRunState;
  sent: string | null;
  attempts: number;
  checks: number;
  failures: number;
  /** When the claim that returned it runs out (epoch ms); proves the claim in `renewCheckRunLease`. */
  leaseUntil: number;
  /** `poll_at` when it was claimed. */
  pollAt: number;
}

type Row = Selectable<Database['check_runs']>;

const toLink = (row: Row): CheckRunLink => ({
  executionId: row.execution_id,
  owner: row.owner,
  repo: row.repo,
  headSha: row.head_sha,
  checkRunId: row.check_run_id === null ? null : Number(row.check_run_id),
  checkRunCompleted: Number(row.check_run_completed) === 1,
  state: row.state,
  sent: row.sent,
  attempts: Number(row.attempts),
  checks: Number(row.checks),
  failures: Number(row.failures),
  leaseUntil: Number(row.next_check_at),
  pollAt: Number(row.poll_at),
});

const keyOf = (link: Pick<CheckRunLink, 'executionId' | 'owner' | 'repo' | 'headSha'>) => ({
  execution_id: link.executionId,
  repository: `${link.owner}/${link.repo}`.toLowerCase(),
  head_sha: link.headSha,
});

const whereKeyOf =
  (link: Pick<CheckRunLink, 'executionId' | 'owner' | 'repo' | 'headSha'>) =>
  (eb: ExpressionBuilder<Database, 'check_runs'>) => {
    const key = keyOf(link);
    return eb.and([
      eb('execution_id', '=', key.execution_id),
      eb('repository', '=', key.repository),
      eb('head_sha', '=', key.head_sha),
    ]);
  };

export const CHECK_RUNS: WorkQueue<'check_runs'> = {
  table: 'check_runs',
  key: ['execution_id', 'repository', 'head_sha'],
  status: 'state',
  pending: 'following',
  dueAt: 'next_check_at',
  updatedAt: 'updated_at',
  order: ['next_check_at'],
};

/**
 * Follows an execution with a check run on `owner/repo` at `headSha`, due at once; a second call for the same
 * execution and commit (a trigger and a stage, a redelivery, a retried dispatch) changes nothing.
 */
export async function followWithCheckRun(
  db: Kysely<Database>,
  link: { executionId: string; owner: string; repo: string; headSha: string },
  now = new Date(),
): Promise<{ added: boolean }> {
  const result = await db
    .insertInto('check_runs')
    .values({
      ...keyOf(link),
      owner: link.owner,
      repo: link.repo,
      check_run_id: null,
      state: 'following',
      sent: null,
      last_error: null,
      next_check_at: now.getTime(),
      poll_at: now.getTime(),
      created_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .onConflict((oc) => oc.columns(['execution_id', 'repository', 'head_sha']).doNothing())
    .executeTakeFirst();
  return { added: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

export async function checkRunsOfExecution(db: Kysely<Database>, executionId: string): Promise<CheckRunLink[]> {
  const rows = await db.selectFrom('check_runs').selectAll().where('execution_id', '=', executionId).execute();
  return rows.map(toLink);
}

/**
 * Wants the execution's followed check runs read again now, so that an Echo event is reported without waiting for
 * the poll. A row no worker holds comes due at once; a leased row keeps its lease (its due time is the lease's
 * proof) and only `poll_at` moves, which its worker reads before scheduling the next poll (`pollWanted`). A check
 * run already completed is followed again too: the event may be a restart of the execution (Deck's Restart stage),
 * which then gets a new check run; a late event of an ended execution costs one Gate read and nothing on GitHub.
 */
export async function nudgeCheckRuns(db: Kysely<Database>, executionId: string, now: Date): Promise<number> {
  const at = now.getTime();
  const ended = await db
    .updateTable('check_runs')
    .set({ state: 'following', next_check_at: at, poll_at: at, checks: 0, failures: 0, last_error: null })
    .where('execution_id', '=', executionId)
    .where('state', '=', 'done')
    .where('check_run_completed', '=', 1)
    .executeTakeFirst();
  const idle = await db
    .updateTable('check_runs')
    .set({ next_check_at: at, poll_at: at })
    .where('execution_id', '=', executionId)
    .where('state', '=', 'following')
    .whereRef('next_check_at', '=', 'poll_at')
    .executeTakeFirst();
  const leased = await db
    .updateTable('check_runs')
    .set({ poll_at: at })
    .where('execution_id', '=', executionId)
    .where('state', '=', 'following')
    .whereRef('next_check_at', '<>', 'poll_at')
    .executeTakeFirst();
  return Number(ended.numUpdatedRows) + Number(idle.numUpdatedRows) + Number(leased.numUpdatedRows);
}

/** Whether an event asked for a fresh read since the row was claimed: answers the time it wanted it. */
export async function pollWanted(db: Kysely<Database>, link: CheckRunLink): Promise<Date | undefined> {
  const row = await db.selectFrom('check_runs').select('poll_at').where(whereKeyOf(link)).executeTakeFirst();
  return row && Number(row.poll_at) !== link.pollAt ? new Date(Number(row.poll_at)) : undefined;
}

/** Takes up to `limit` followed check runs due by `dueBy` (default `now`) and leases them for `leaseMs`. */
export async function claimDueCheckRuns(
  store: Pick<Store, 'kind' | 'db'>,
  { limit = 50, ...options }: { now?: Date; dueBy?: Date; limit?: number; leaseMs: number },
): Promise<CheckRunLink[]> {
  const rows = await claimDue(store, CHECK_RUNS, { limit, ...options });
  return rows.map(toLink).sort((a, b) => a.executionId.localeCompare(b.executionId));
}

/** Extends this replica's claim to `until`; false when it ran out and another replica took the check run. */
export async function renewCheckRunLease(db: Kysely<Database>, link: CheckRunLink, until: Date): Promise<boolean> {
  const renewed = await renewLease(db, CHECK_RUNS, keyOf(link), link.leaseUntil, until);
  if (renewed) link.leaseUntil = until.getTime();
  return renewed;
}

/**
 * Counts a create request before it is sent, keeping the lease: after a crash between GitHub's answer and
 * `recordCheckRunSent`, the next attempt looks for the check run by its external id before creating one. A create
 * that replaces a completed check run forgets the old id and keeps `check_run_completed`, which tells that look-up
 * to pass over completed check runs.
 */
export async function noteCheckRunCreate(db: Kysely<Database>, link: CheckRunLink): Promise<void> {
  await db
    .updateTable('check_runs')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), check_run_id: null }))
    .where(whereKeyOf(link))
    .execute();
}

/** What GitHub now shows: its check run id and the digest of the body it accepted. */
export async function recordCheckRunSent(
  db: Kysely<Database>,
  link: CheckRunLink,
  sent: { checkRunId: number; digest: string; completed: boolean },
): Promise<void> {
  await db
    .updateTable('check_runs')
    .set({
      check_run_id: sent.checkRunId,
      check_run_completed: sent.completed ? 1 : 0,
      sent: sent.digest,
      failures: 0,
      last_error: null,
    })
    .where(whereKeyOf(link))
    .where('state', '=', 'following')
    .execute();
}

/**
 * Moves a followed check run on: ended (`done`, or `failed` when GitHub refused it for good), or due again at
 * `nextCheckAt` (a poll, counted in `checks`, or a retry after a GitHub failure, counted in `failures`).
 */
export async function settleCheckRun(
  db: Kysely<Database>,
  link: CheckRunLink,
  outcome: { done: true } | { failed: string } | { nextCheckAt: Date } | { retryAt: Date; error: string },
  now = new Date(),
): Promise<boolean> {
  return settle(
    db,
    CHECK_RUNS,
    keyOf(link),
    'done' in outcome
      ? { status: 'done' }
      : 'failed' in outcome
        ? { status: 'failed', set: { last_error: outcome.failed } }
        : 'nextCheckAt' in outcome
          ? { retryAt: outcome.nextCheckAt, count: 'checks', set: { poll_at: outcome.nextCheckAt.getTime() } }
          : {
              retryAt: outcome.retryAt,
              count: 'failures',
              set: { poll_at: outcome.retryAt.getTime(), last_error: outcome.error },
            },
    now,
  );
}
