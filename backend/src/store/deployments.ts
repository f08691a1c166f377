import type { Kysely } from 'kysely';
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

export async function dueDeploymentLinks(
  db: Kysely<Database>,
  now = new Date(),
  limit = 50,
): Promise<DeploymentLink[]> {
  const rows = await db
    .selectFrom('deployment_links')
    .selectAll()
    .where('state', '=', 'running')
    .where('next_check_at', '<=', now.getTime())
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  return rows.map((row) => toLink(row as LinkRow));
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
  update: Omit<StatusUpdate, 'attempts'>,
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

export async function dueStatusUpdates(db: Kysely<Database>, now = new Date(), limit = 50): Promise<StatusUpdate[]> {
  const rows = await db
    .selectFrom('deployment_status_updates')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.getTime())
    // in_progress before the final state of the same deployment.
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((row) => toUpdate(row as UpdateRow));
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
