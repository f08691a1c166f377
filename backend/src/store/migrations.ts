import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Migrations live in code rather than in files found at run time, so `dist/` and `tsx` runs carry them alike.
 * Names sort in the order they apply; never edit one that has shipped, add the next.
 */
const migrations: Record<string, Migration> = {
  '001_deliveries_and_dispatches': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('event', 'text', (col) => col.notNull())
        .addColumn('action', 'text')
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('received_at', 'bigint', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
        .addColumn('processed_at', 'bigint')
        .addCheckConstraint('deliveries_status_check', sql`status in ('pending', 'processed', 'failed')`)
        .execute();
      await db.schema
        .createIndex('deliveries_status_next_attempt_at')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();

      await db.schema
        .createTable('dispatches')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('repo', 'text', (col) => col.notNull())
        .addColumn('correlation_id', 'text', (col) => col.notNull())
        .addColumn('request', 'text', (col) => col.notNull())
        .addColumn('run_id', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
    },
  },
  '002_dispatches_run_unique': {
    async up(db: Kysely<unknown>) {
      // One run belongs to one stage: two dispatches that both see the same unclaimed run cannot both take it.
      await db.schema
        .createIndex('dispatches_run')
        .on('dispatches')
        .columns(['owner', 'repo', 'run_id'])
        .unique()
        .execute();
    },
  },
  '003_pipeline_starts': {
    async up(db: Kysely<unknown>) {
      // One row per (delivery, pipeline): the pipelines a delivery matched, each started at most once.
      await db.schema
        .createTable('pipeline_starts')
        .addColumn('delivery_id', 'text', (col) => col.notNull())
        .addColumn('pipeline_id', 'text', (col) => col.notNull())
        .addColumn('application', 'text', (col) => col.notNull())
        .addColumn('pipeline_name', 'text', (col) => col.notNull())
        .addColumn('trigger', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('execution_id', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('pipeline_starts_pk', ['delivery_id', 'pipeline_id'])
        .addCheckConstraint('pipeline_starts_status_check', sql`status in ('pending', 'started', 'failed')`)
        .execute();
      await db.schema.createIndex('pipeline_starts_status').on('pipeline_starts').columns(['status']).execute();
    },
  },
  '004_deployment_statuses': {
    async up(db: Kysely<unknown>) {
      // A pipeline execution started for a GitHub deployment, followed until it ends.
      await db.schema
        .createTable('deployment_links')
        .addColumn('execution_id', 'text', (col) => col.primaryKey())
        .addColumn('deployment_id', 'bigint', (col) => col.notNull())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('repo', 'text', (col) => col.notNull())
        .addColumn('application', 'text', (col) => col.notNull())
        .addColumn('pipeline_name', 'text', (col) => col.notNull())
        .addColumn('environment_url_from', 'text')
        .addColumn('state', 'text', (col) => col.notNull().defaultTo('running'))
        .addColumn('reason', 'text')
        .addColumn('checks', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_check_at', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('deployment_links_deployment')
        .on('deployment_links')
        .column('deployment_id')
        .execute();
      await db.schema
        .createIndex('deployment_links_due')
        .on('deployment_links')
        .columns(['state', 'next_check_at'])
        .execute();
      // Deployment statuses to write, persisted before they are sent: one per deployment and state.
      await db.schema
        .createTable('deployment_status_updates')
        .addColumn('deployment_id', 'bigint', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('repo', 'text', (col) => col.notNull())
        .addColumn('description', 'text', (col) => col.notNull())
        .addColumn('log_url', 'text', (col) => col.notNull())
        .addColumn('environment_url', 'text')
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('deployment_status_updates_pk', ['deployment_id', 'state'])
        .execute();
      await db.schema
        .createIndex('deployment_status_updates_due')
        .on('deployment_status_updates')
        .columns(['status', 'next_attempt_at'])
        .execute();
    },
  },
  '005_deliveries_payload_gzip': {
    async up(db: Kysely<unknown>) {
      // New deliveries keep their body gzipped here, and '' in `payload` (deliveryPayload.ts says why).
      // `bytea` is PostgreSQL's binary type; SQLite stores the bytes as a blob whatever the declared type.
      await db.schema.alterTable('deliveries').addColumn('payload_gzip', 'bytea').execute();
    },
  },
};

/** When Orca first polled a dispatch's run, and when the backend stopped watching its execution (dispatchWatch.ts). */
const dispatchesWatch: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('dispatches').addColumn('polled_at', 'bigint').execute();
    await db.schema.alterTable('dispatches').addColumn('watch_ended_at', 'bigint').execute();
  },
};

/**
 * PostgreSQL keeps new bodies as text again and compresses them itself (deliveries.ts says why), with lz4 where the
 * server has it (14 or later, built with lz4, as Debian's and the PGDG packages are); older servers keep their
 * default, pglz. Only new values are affected. SQLite goes on gzipping into `payload_gzip`: nothing to do there.
 */
const payloadLz4: Record<'sqlite' | 'postgres', Migration> = {
  sqlite: { up: async () => {} },
  postgres: {
    async up(db: Kysely<unknown>) {
      const { rows } = await sql<{ lz4: boolean; version: number }>`
        select exists (select from pg_settings where name = 'default_toast_compression' and 'lz4' = any (enumvals)) as lz4,
               current_setting('server_version_num')::int as version
      `.execute(db);
      if (rows[0]?.lz4) await sql`alter table deliveries alter column payload set compression lz4`.execute(db);
      // Compressed bodies up to a page stay in the row instead of going to the TOAST table, whose extra chunks and
      // index entries cost about 8 % of the deliveries per second (docs/performance.md). Bodies under 8 kB are
      // then kept uncompressed, which costs little room. PostgreSQL 10 has no such setting and keeps its default.
      if ((rows[0]?.version ?? 0) >= 110000) {
        await sql`alter table deliveries set (toast_tuple_target = 8160)`.execute(db);
      }
    },
  },
};

/**
 * A link keeps the environment URL its execution named when it ended, so that whichever replica queues the
 * deployment's final status reads it from the database, not from a process's memory.
 */
const linkEnvironmentUrl: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deployment_links').addColumn('environment_url', 'text').execute();
  },
};

/**
 * The state of the runs the backend follows, kept from GitHub's `workflow_run` and `workflow_job` events (and from
 * GitHub reads when events are missing), so that Orca's polls and the plugin's reads need not reach GitHub (runStates.ts).
 * `rank` orders the updates of one run or job, so that an event applied late never takes its state back.
 */
const runStates: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('run_states')
      .addColumn('run_id', 'bigint', (col) => col.primaryKey())
      .addColumn('owner', 'text', (col) => col.notNull())
      .addColumn('repo', 'text', (col) => col.notNull())
      .addColumn('run', 'text', (col) => col.notNull())
      .addColumn('rank', 'integer', (col) => col.notNull())
      .addColumn('completed', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('event_at', 'bigint')
      .addColumn('fetched_at', 'bigint')
      .addColumn('jobs_fetched_at', 'bigint')
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('run_jobs')
      .addColumn('job_id', 'bigint', (col) => col.primaryKey())
      .addColumn('run_id', 'bigint', (col) => col.notNull())
      .addColumn('job', 'text', (col) => col.notNull())
      .addColumn('rank', 'integer', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('run_jobs_run').on('run_jobs').column('run_id').execute();
  },
};

/** The hourly pruning finds the runs nothing has changed for the retention period (pruneRunStates). */
const runStatesUpdatedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('run_states_updated_at').on('run_states').column('updated_at').execute();
  },
};

/** Check runs that report pipeline executions on commits (checkRuns.ts), one per execution and commit. */
const checkRuns: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('check_runs')
      .addColumn('execution_id', 'text', (col) => col.notNull())
      .addColumn('repository', 'text', (col) => col.notNull())
      .addColumn('head_sha', 'text', (col) => col.notNull())
      .addColumn('owner', 'text', (col) => col.notNull())
      .addColumn('repo', 'text', (col) => col.notNull())
      .addColumn('check_run_id', 'bigint')
      .addColumn('check_run_completed', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('state', 'text', (col) => col.notNull().defaultTo('following'))
      .addColumn('sent', 'text')
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('checks', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('next_check_at', 'bigint', (col) => col.notNull())
      .addColumn('poll_at', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('check_runs_pk', ['execution_id', 'repository', 'head_sha'])
      .execute();
    await db.schema.createIndex('check_runs_due').on('check_runs').columns(['state', 'next_check_at']).execute();
  },
};

export function migrationProvider(kind: 'sqlite' | 'postgres'): MigrationProvider {
  return {
    getMigrations: async () => ({
      ...migrations,
      '006_deliveries_payload_lz4': payloadLz4[kind],
      '007_dispatches_watch': dispatchesWatch,
      '008_deployment_links_environment_url': linkEnvironmentUrl,
      '011_run_states': runStates,
      '012_check_runs': checkRuns,
      '013_run_states_updated_at': runStatesUpdatedAt,
    }),
  };
}
