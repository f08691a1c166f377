import type { Kysely, Selectable } from 'kysely';
import type { Store } from './database.js';
import type { Database, DeploymentState, LinkState } from './schema.js';
import { claimDue, renewLease, settle, type WorkQueue } from './workQueue.js';

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
  /** Where the deployment can be seen, read from the execution when it ended (`environmentUrlFrom`). */
  environmentUrl: string | null;
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

type LinkRow = Selectable<Database['deployment_links']>;
type UpdateRow = Selectable<Database['deployment_status_updates']>;

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
  environmentUrl: row.environment_url ?? null,
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
  link: Omit<DeploymentLink, 'state' | 'reason' | 'checks' | 'environmentUrl'>,
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
  return row && toLink(row);
}

export async function linksOfDeployment(db: Kysely<Database>, deploymentId: number): Promise<DeploymentLink[]> {
  const rows = await db
    .selectFrom('deployment_links')
    .selectAll()
    .where('deployment_id', '=', deploymentId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => toLink(row));
}

export const DEPLOYMENT_LINKS: WorkQueue<'deployment_links'> = {
  table: 'deployment_links',
  key: ['execution_id'],
  status: 'state',
  pending: 'running',
  dueAt: 'next_check_at',
  updatedAt: 'updated_at',
  order: ['next_check_at'],
};

/**
 * Takes up to `limit` running links due for a check by `dueBy` (default `now`) and leases them for `leaseMs`
 * (workQueue.ts); the check then sets the real next check or ends the link.
 */
export async function claimDueDeploymentLinks(
  store: Pick<Store, 'kind' | 'db'>,
  { limit = 50, ...options }: { now?: Date; dueBy?: Date; limit?: number; leaseMs: number },
): Promise<DeploymentLink[]> {
  const rows = await claimDue(store, DEPLOYMENT_LINKS, { limit, ...options });
  return rows.map(toLink).sort((a, b) => a.executionId.localeCompare(b.executionId));
}

/** Moves a running link on: to its end state, or to its next check. Answers whether this call ended it. */
export async function updateDeploymentLink(
  db: Kysely<Database>,
  executionId: string,
  change:
    { state: Exclude<LinkState, 'running'>; reason?: string; environmentUrl?: string | null } | { nextCheckAt: Date },
  now = new Date(),
): Promise<boolean> {
  return settle(
    db,
    DEPLOYMENT_LINKS,
    { execution_id: executionId },
    'state' in change
      ? {
          status: change.state,
          set: { reason: change.reason ?? null, environment_url: change.environmentUrl ?? null },
        }
      : { retryAt: change.nextCheckAt, count: 'checks' },
    now,
  );
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

export const STATUS_UPDATES: WorkQueue<'deployment_status_updates'> = {
  table: 'deployment_status_updates',
  key: ['deployment_id', 'state'],
  status: 'status',
  pending: 'pending',
  dueAt: 'next_attempt_at',
  updatedAt: 'updated_at',
  order: ['created_at'],
  // A status waits while an earlier one of the same deployment is leased or waiting for its retry.
  ready: (eb, at) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom('deployment_status_updates as earlier')
          .select('earlier.state')
          .whereRef('earlier.deployment_id', '=', 'item.deployment_id')
          .where('earlier.status', '=', 'pending')
          .where('earlier.next_attempt_at', '>', at)
          .whereRef('earlier.created_at', '<', 'item.created_at'),
      ),
    ),
};

/**
 * Takes up to `limit` pending statuses that are due by `dueBy` (default `now`) and leases them for `leaseMs`
 * (workQueue.ts): if this replica dies they become due again, and the next attempt first looks at GitHub.
 * When two statuses of a deployment are due, both come in this batch, earlier first, so `in_progress` always goes
 * first.
 */
export async function claimDueStatusUpdates(
  store: Pick<Store, 'kind' | 'db'>,
  { limit = 50, ...options }: { now?: Date; dueBy?: Date; limit?: number; leaseMs: number },
): Promise<StatusUpdate[]> {
  const rows = await claimDue(store, STATUS_UPDATES, { limit, ...options });
  return rows
    .sort((a, b) => Number(a.created_at) - Number(b.created_at) || Number(a.deployment_id) - Number(b.deployment_id))
    .map(toUpdate);
}

/** Extends this replica's claim on a status to `until`; false when it ran out and another replica took it. */
export function renewStatusLease(
  db: Kysely<Database>,
  update: Pick<StatusUpdate, 'deploymentId' | 'state' | 'leaseUntil'>,
  until: Date,
): Promise<boolean> {
  return renewLease(db, STATUS_UPDATES, keyOf(update), update.leaseUntil, until);
}

const keyOf = (key: { deploymentId: number; state: DeploymentState }) => ({
  deployment_id: key.deploymentId,
  state: key.state,
});

/** Counts an attempt before GitHub is asked, so that after a crash the next attempt first checks GitHub. */
export async function noteStatusAttempt(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  leaseUntil: Date,
): Promise<void> {
  await settle(db, STATUS_UPDATES, keyOf(key), { retryAt: leaseUntil, count: 'attempts' });
}

/** Gives a claimed status back, due again at `at`, without counting an attempt. */
export async function releaseStatusUpdate(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  at: Date,
): Promise<void> {
  await settle(db, STATUS_UPDATES, keyOf(key), { retryAt: at });
}

export async function settleStatusUpdate(
  db: Kysely<Database>,
  key: { deploymentId: number; state: DeploymentState },
  outcome: { sent: true } | { failed: string } | { retryAt: Date; error: string },
  now = new Date(),
): Promise<void> {
  await settle(
    db,
    STATUS_UPDATES,
    keyOf(key),
    'sent' in outcome
      ? { status: 'sent', set: { last_error: null } }
      : 'failed' in outcome
        ? { status: 'failed', set: { last_error: outcome.failed } }
        : { retryAt: outcome.retryAt, set: { last_error: outcome.error } },
    now,
  );
}
