import type { Generated } from 'kysely';

/**
 * Column types as both dialects return them. Times are epoch milliseconds in `bigint` columns:
 * they compare as numbers in SQLite and PostgreSQL alike, and the PostgreSQL pool parses `int8` to `number`.
 */
export interface Database {
  deliveries: DeliveriesTable;
  dispatches: DispatchesTable;
  pipeline_starts: PipelineStartsTable;
  deployment_links: DeploymentLinksTable;
  deployment_status_updates: DeploymentStatusUpdatesTable;
  run_states: RunStatesTable;
  run_jobs: RunJobsTable;
  check_runs: CheckRunsTable;
}

export type DeliveryStatus = 'pending' | 'processed' | 'failed';

/** GitHub webhook deliveries, kept from receipt until processed (or given up on). */
export interface DeliveriesTable {
  /** `X-GitHub-Delivery`; GitHub reuses it when a delivery is redelivered. */
  id: string;
  event: string;
  action: string | null;
  /** The request body exactly as GitHub sent it; '' when it is kept in `payload_gzip`. */
  payload: string;
  /**
   * The request body, gzipped (deliveryPayload.ts), on the embedded store; null on PostgreSQL since migration 006
   * (it compresses `payload` itself) and for deliveries stored before migration 005.
   */
  payload_gzip: Buffer | null;
  received_at: number;
  status: DeliveryStatus;
  attempts: Generated<number>;
  last_error: string | null;
  /** When a worker may next take it; a claim moves it forward by the lease. */
  next_attempt_at: number;
  processed_at: number | null;
}

/** One row per stage execution that asked for a workflow run, so a retried stage call never dispatches twice. */
export interface DispatchesTable {
  key: string;
  owner: string;
  repo: string;
  correlation_id: string;
  request: string;
  run_id: number | null;
  created_at: number;
  updated_at: number;
  /** When Orca first polled the run: from then on Orca's own cancel reaches the run. */
  polled_at: number | null;
  /** When the backend stopped checking the execution in Gate: the stage moved on, or its run was cancelled. */
  watch_ended_at: number | null;
}

export type PipelineStartStatus = 'pending' | 'started' | 'failed';

/** The pipelines a delivery matched, and whether each was started through Gate. */
export interface PipelineStartsTable {
  delivery_id: string;
  pipeline_id: string;
  application: string;
  pipeline_name: string;
  /** The trigger sent to Gate, as JSON. */
  trigger: string;
  status: PipelineStartStatus;
  attempts: Generated<number>;
  last_error: string | null;
  execution_id: string | null;
  created_at: number;
  updated_at: number;
}

export type LinkState = 'running' | 'succeeded' | 'failed' | 'canceled' | 'gone';

export interface DeploymentLinksTable {
  execution_id: string;
  deployment_id: number;
  owner: string;
  repo: string;
  application: string;
  pipeline_name: string;
  /** A trigger parameter or stage output naming the environment URL. */
  environment_url_from: string | null;
  state: LinkState;
  reason: string | null;
  checks: Generated<number>;
  next_check_at: number;
  /** Read from the execution when it ended (migration 008); null before, or when it names none. */
  environment_url: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

export interface DeploymentStatusUpdatesTable {
  deployment_id: number;
  state: DeploymentState;
  owner: string;
  repo: string;
  description: string;
  log_url: string;
  environment_url: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
}

/** A workflow run the backend follows (runStates.ts), as a `RunDto` in JSON. */
export interface RunStatesTable {
  run_id: number;
  owner: string;
  repo: string;
  run: string;
  /** Orders updates: run attempt, then queued < in progress < completed; an update of lower rank is dropped. */
  rank: number;
  completed: number;
  /** When a `workflow_run` or `workflow_job` event last changed it; null while none has. */
  event_at: number | null;
  /** When the run was last read from GitHub. */
  fetched_at: number | null;
  jobs_fetched_at: number | null;
  updated_at: number;
}

/** A job of a followed run, as a `JobDto` in JSON. */
export interface RunJobsTable {
  job_id: number;
  run_id: number;
  job: string;
  rank: number;
  updated_at: number;
}

export type CheckRunState = 'following' | 'done' | 'failed';

/** A GitHub check run that reports a pipeline execution on a commit (checkRuns.ts): one per execution and commit. */
export interface CheckRunsTable {
  execution_id: string;
  /** `owner/repo`, lower-cased: GitHub's names are case-insensitive. */
  repository: string;
  head_sha: string;
  owner: string;
  repo: string;
  /** GitHub's id, once created; until then a retry first looks for it by `external_id`. */
  check_run_id: number | null;
  /**
   * 1 once GitHub shows the check run completed: GitHub then refuses to change its status or conclusion, so a
   * restarted execution gets a new check run (checkRuns.ts).
   */
  check_run_completed: Generated<number>;
  state: CheckRunState;
  /** A digest of the last body GitHub accepted, so an unchanged execution costs no request. */
  sent: string | null;
  /** Create requests tried: after one, the next attempt first looks on GitHub. */
  attempts: Generated<number>;
  /** Executions reads so far, for the poll's backoff. */
  checks: Generated<number>;
  /** GitHub failures in a row. */
  failures: Generated<number>;
  last_error: string | null;
  /** When a worker may next take it; a claim moves it ahead by the lease. */
  next_check_at: number;
  /**
   * When the next read of the execution is wanted. Equal to `next_check_at` while no worker holds the row; a
   * claim moves only `next_check_at`, so the two differ while it is leased.
   */
  poll_at: number;
  created_at: number;
  updated_at: number;
}
