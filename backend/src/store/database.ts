import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { insertDeliveries, type DeliveryRow, type NewDelivery } from './deliveries.js';
import { DeliveryBatcher } from './deliveryBatcher.js';
import { SqliteDeliveryWriter } from './deliveryWriter.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { openSqliteConnection } from './sqliteConnection.js';

export interface Store {
  kind: 'sqlite' | 'postgres';
  db: Kysely<Database>;
  /** Resolves when the database answers a trivial query; rejects when it does not, and after `close()`. */
  ping(): Promise<void>;
  /**
   * Stores one webhook delivery, durably, grouping its commit with those of deliveries that arrive meanwhile;
   * `inserted` is false when the id was stored already.
   */
  recordDelivery(delivery: NewDelivery): Promise<{ inserted: boolean }>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`: use PostgreSQL. Unset: the embedded SQLite file. */
  databaseUrl?: string;
  databaseFile: string;
  logger: Logger;
}

const CONNECT_TIMEOUT_MS = 10_000;

function reason(error: unknown): string {
  // Node reports a refused connection to every address of a name as an AggregateError with an empty message.
  if (error instanceof AggregateError && !error.message) return error.errors.map(reason).join('; ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

/** SQLite runs DDL in transactions perfectly well; Kysely's adapter just does not claim it, so a failed migration would be half-applied. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
}

function storeOf(kind: Store['kind'], db: Kysely<Database>, writer?: SqliteDeliveryWriter): Store {
  let closed = false;
  let record: (row: DeliveryRow) => Promise<{ inserted: boolean }>;
  if (writer) {
    // The writer thread groups commits itself, so each delivery goes to it at once: holding them for a turn of the
    // event loop made the two threads take turns instead of working side by side (docs/performance.md).
    record = async (row) => ({ inserted: (await writer.write([row])).has(row.id) });
  } else {
    const batcher = new DeliveryBatcher((rows) => insertDeliveries(db, rows));
    record = (row) => batcher.record(row);
  }
  return {
    kind,
    db,
    async ping() {
      if (closed) throw new Error('The database connection is closed');
      await sql`select 1`.execute(db);
    },
    recordDelivery({ receivedAt = new Date(), action = null, ...delivery }) {
      return record({ ...delivery, action, receivedAt: receivedAt.getTime() });
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer?.close();
      await db.destroy();
    },
  };
}

function openSqlite(file: string, logger: Logger): { store: Store; target: string } {
  const path = resolve(file);
  let raw: SqliteDatabase.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const opened = openSqliteConnection(path);
    raw = opened.raw;
    if (opened.journalMode !== 'wal') {
      logger.warn({ file: path, journalMode: opened.journalMode }, 'SQLite could not switch to WAL on this filesystem');
    }
  } catch (error) {
    throw new Error(`Cannot open the database file ${path} (DATABASE_FILE): ${reason(error)}`, { cause: error });
  }
  logger.info({ store: 'sqlite', file: path }, 'database opened');
  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: raw }) });
  return { store: storeOf('sqlite', db, new SqliteDeliveryWriter(path)), target: `the database file ${path}` };
}

function openPostgres(databaseUrl: string, logger: Logger): { store: Store; target: string } {
  const url = new URL(databaseUrl);
  // Only these parts are ever logged or put in an error: the URL may carry the password.
  const where = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
  const types = new pg.TypeOverrides();
  // Times and run IDs are bigint; as numbers they stay exact up to 2^53.
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'spinnaker-github',
  });
  // Without a listener, an idle client dropped by the server (failover, restart) would crash the process.
  pool.on('error', (err) =>
    logger.error({ err, ...where }, 'an idle PostgreSQL connection failed; it will be replaced'),
  );
  // The pool listens only to idle connections. One in use that dies (a server restart mid-query) fails its query
  // and then emits `error` on the client: without this listener that would crash the process.
  pool.on('connect', (client) =>
    client.on('error', (err) =>
      logger.warn({ err, ...where }, 'a PostgreSQL connection in use failed; its work will be retried'),
    ),
  );
  logger.info({ store: 'postgres', ...where }, 'database opened');
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { store: storeOf('postgres', db), target: `PostgreSQL at ${where.host}:${where.port}/${where.database}` };
}

async function migrate(store: Store, target: string, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.kind) });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'database migration applied');
  }
  if (error === undefined) return;
  const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
  const hint =
    (error as { code?: unknown }).code === '42501' ? ' (the role in DATABASE_URL needs CREATE on its schema)' : '';
  throw new Error(`Database migration ${failed} failed on ${target}: ${reason(error)}${hint}`, { cause: error });
}

/**
 * Opens the embedded SQLite file, or PostgreSQL when `databaseUrl` is set, and brings its schema up to date.
 * Throws an error naming the file or host when the database cannot be opened, reached or migrated.
 */
export async function openStore({ databaseUrl, databaseFile, logger }: StoreOptions): Promise<Store> {
  const { store, target } = databaseUrl ? openPostgres(databaseUrl, logger) : openSqlite(databaseFile, logger);
  try {
    await store.ping().catch((error: unknown) => {
      throw new Error(`Cannot reach ${target}: ${reason(error)}`, { cause: error });
    });
    await migrate(store, target, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
