import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database, DeploymentState, LinkState } from './schema.js';

export interface DeploymentLink {
  executionId: string;
  deploymentId: number;
  owner: string;
  repo: string;
  application: string;
  pipelineName: string;
  environmentUrlFrom: string | null;
  state: LinkState;
  reason: string | null;
  checks: number;
}

export interface StatusUpdate {
  deploymentId: number;
  state: DeploymentState;
  owner: string;
  repo: string;
  description: string;
  logUrl: string;
  environmentUrl: string | null;
  attempts: number;
  /** When the claim that returned it runs out (epoch ms); proves the claim in `renewStatusLease`. */
  leaseUntil: number;
}

type LinkRow = Database['deployment_links'] & { checks: number };
type UpdateRow = Database['deployment_status_updates'] & { attempts: number };

const toLink = (row: LinkRow): DeploymentLink => ({
  executionId: row.execution_id,
  deploymentId: Number(row.deployment_id),
  owner: row.owner,
  repo: row.repo,
  application: row.application,
  pipelineName: row.pipeline_name,
  environmentUrlFrom: row.environment_url_from,
  state: row.state,
  reason: row.reason,
  checks: Number(row.checks),
});

const toUpdate = (row: UpdateRow): StatusUpdate => ({
  deploymentId: Number(row.deployment_id),
  state: row.state,
  owner: row.owner,
  repo: row.repo,
  description: row.description,
  logUrl: row.log_url,
  environmentUrl: row.environment_url,
  attempts: Number(row.attempts),
  leaseUntil: Number(row.next_attempt_at),
});

/** Links an execution to the deployment it was started for; a second call for the same execution changes nothing. */
export async function recordDeploymentLink(
  db: Kysely<Database>,
  link: Omit<DeploymentLink, 'state' | 'reason' | 'checks'>,
  firstCheckAt: Date,
  now = new Date(),
): Promise<void> {
  await db
    .insertInto('deployment_links')
    .values({
      execution_id: link.executionId,
      deployment_id: link.deploymentId,
      owner: link.owner,
      repo: link.repo,
      application: link.application,
      pipeline_name: link.pipelineName,
      environment_url_from: link.environmentUrlFrom,
      state: 'running',
      next_check_at: firstCheckAt.getTime(),
      created_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .onConflict((oc) => oc.column('execution_id').doNothing())
    .execute();
}

export async function findDeploymentLink(
  db: Kysely<Database>,
  executionId: string,
): Promise<DeploymentLink | undefined> {
  const row = await db
    .selectFrom('deployment_links')
    .selectAll()
    .where('execution_id', '=', executionId)
    .executeTakeFirst();
  return row && toLink(row as LinkRow);
}

export async function linksOfDeployment(db: Kysely<Database>, deploymentId: number): Promise<DeploymentLink[]> {
  const rows = await db
    .selectFrom('deployment_links')
    .selectAll()
    .where('deployment_id', '=', deploymentId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => toLink(row as LinkRow));
}

/**
 * Takes up to `limit` running links due for a check by `dueBy` (default `now`) and moves their next check `leaseMs`
 * past `now`, so that no other replica checks them meanwhile; the check then sets the real next check or ends the
 * link.
 */
export async function claimDueDeploymentLinks(
  { kind, db }: Pick<Store, 'kind' | 'db'>,
  { now = new Date(), dueBy = now, limit = 50, leaseMs }: { now?: Date; dueBy?: Date; limit?: number; leaseMs: number },
): Promise<DeploymentLink[]> {
  const at = now.getTime();
  const rows = await db.transaction().execute(async (trx) => {
    const select = trx
      .selectFrom('deployment_links')
      .select('execution_id')
      .where('state', '=', 'running')
      .where('next_check_at', '<=', Math.min(dueBy.getTime(), at))
      .orderBy('next_check_at')
      .limit(limit);
    const due = await (kind === 'postgres' ? select.forUpdate().skipLocked() : select).execute();
    if (!due.length) return [];
    return trx
      .updateTable('deployment_links')
      .set({ next_check_at: at + leaseMs })
      .where(
        'execution_id',
        'in',
        due.map((row) => row.execution_id),
      )
      .returningAll()
      .execute();
  });
  return rows.map((row) => toLink(row as LinkRow)).sort((a, b) => a.executionId.localeCompare(b.executionId));
}

/** Moves a running link on: to its end state, or to its next check. Answers whether this call ended it. */
export async function updateDeploymentLink(
  db: Kysely<Database>,
  executionId: string,
  change: { state: Exclude<LinkState, 'running'>; reason?: string } | { nextCheckAt: Date },
  now = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('deployment_links')
    .set((eb) =>
      'state' in change
        ? { state: change.state, reason: change.reason ?? null, updated_at: now.getTime() }
        : { next_check_at: change.nextCheckAt.getTime(), checks: eb('checks', '+', 1), updated_at: now.getTime() },
    )
    .where('execution_id', '=', executionId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Queues a status; one per deployment and state, so a repeated call (or a restart) never queues it twice. */
export async function queueStatusUpdate(
  db: Kysely<Database>,
  update: Omit<StatusUpdate, 'attempts' | 'leaseUntil'>,
  now = new Date(),
): Promise<{ queued: boolean }> {
  const result = await db
    .insertInto('deployment_status_updates')
    .values({
      deployment_id: update.deploymentId,
      state: update.state,
      owner: update.owner,
      repo: update.repo,
      description: update.description,
      log_url: update.logUrl,
      environment_url: update.environmentUrl,
      status: 'pending',
      next_attempt_at: now.getTime(),
      created_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .onConflict((oc) => oc.columns(['deployment_id', 'state']).doNothing())
    .executeTakeFirst();
  return { queued: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/**
 * Takes up to `limit` pending statuses that are due by `dueBy` (default `now`) and leases them for `leaseMs`: no other replica sends them
 * meanwhile, and if this one dies they become due again (and the next attempt first looks at GitHub).
 * A status waits while an earlier one of the same deployment is leased or waiting for its retry; when both are
 * due, both come in this batch, earlier first, so `in_progress` always goes first.
 */
export async function claimDueStatusUpdates(
  { kind, db }: Pick<Store, 'kind' | 'db'>,
  { now = new Date(), dueBy = now, limit = 50, leaseMs }: { now?: Date; dueBy?: Date; limit?: number; leaseMs: number },
): Promise<StatusUpdate[]> {
  const at = now.getTime();
  const rows = await db.transaction().execute(async (trx) => {
    const select = trx
      .selectFrom('deployment_status_updates as u')
      .select(['u.deployment_id', 'u.state'])
      .where('u.status', '=', 'pending')
      .where('u.next_attempt_at', '<=', Math.min(dueBy.getTime(), at))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('deployment_status_updates as earlier')
              .select('earlier.state')
              .whereRef('earlier.deployment_id', '=', 'u.deployment_id')
              .where('earlier.status', '=', 'pending')
              .where('earlier.next_attempt_at', '>', at)
              .whereRef('earlier.created_at', '<', 'u.created_at'),
          ),
        ),
      )
      .orderBy('u.created_at')
      .limit(limit);
    const due = await (kind === 'postgres' ? select.forUpdate().skipLocked() : select).execute();
    const claimed: UpdateRow[] = [];
    for (const key of due) {
      const row = await trx
        .updateTable('deployment_status_updates')
        .set({ next_attempt_at: at + leaseMs })
        .where('deployment_id', '=', key.deployment_id)
        .where('state', '=', key.state)
        .returningAll()
        .executeTakeFirst();
      if (row) claimed.push(row as UpdateRow);
    }
    return claimed;
  });
  return rows.map(toUpdate);
}

/**
 * Extends this replica's claim on a status to `until`, unless the claim ran out and another replica took it:
 * answers false then, and the status must be left alone.
 */
export async function renewStatusLease(
  db: Kysely<Database>,
  update: Pick<StatusUpdate, 'deploymentId' | 'state' | 'leaseUntil'>,
  until: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('deployment_status_updates')
    .set({ next_attempt_at: until.getTime() })
    .where('deployment_id', '=', update.deploymentId)
    .where('state', '=', update.state)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', update.leaseUntil)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Counts an attempt before GitHub is asked, so that after a crash the next attempt first checks GitHub. */
export async function noteStatusAttempt(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  leaseUntil: Date,
): Promise<void> {
  await db
    .updateTable('deployment_status_updates')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil.getTime() }))
    .where('deployment_id', '=', key.deploymentId)
    .where('state', '=', key.state)
    .execute();
}

/** Gives a claimed status back, due again at `at`, without counting an attempt. */
export async function releaseStatusUpdate(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  at: Date,
): Promise<void> {
  await db
    .updateTable('deployment_status_updates')
    .set({ next_attempt_at: at.getTime() })
    .where('deployment_id', '=', key.deploymentId)
    .where('state', '=', key.state)
    .execute();
}

export async function settleStatusUpdate(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  outcome: { sent: true } | { failed: string } | { retryAt: Date; error: string },
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('deployment_status_updates')
    .set(
      'sent' in outcome
        ? { status: 'sent', last_error: null, updated_at: now.getTime() }
        : 'failed' in outcome
          ? { status: 'failed', last_error: outcome.failed, updated_at: now.getTime() }
          : { last_error: outcome.error, next_attempt_at: outcome.retryAt.getTime(), updated_at: now.getTime() },
    )
    .where('deployment_id', '=', key.deploymentId)
    .where('state', '=', key.state)
    .execute();
}
