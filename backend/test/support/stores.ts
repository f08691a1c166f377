import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

const silent = pino({ level: 'silent' });

/** A database a test opens stores on, and drops when done. */
export interface Target {
  file?: string;
  open(logger?: Logger): Promise<Store>;
  drop(): Promise<void>;
}

export function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  const file = join(dir, 'nested', 'store.db');
  return {
    file,
    open: (logger = silent) => openStore({ databaseFile: file, logger }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database of its own on the test PostgreSQL server. */
export async function postgresTarget(url: string): Promise<Target> {
  const name = `store_test_${randomUUID().replaceAll('-', '')}`;
  await admin(url, (client) => client.query(`create database ${name}`));
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return {
    open: (logger = silent) => openStore({ databaseUrl: databaseUrl.href, databaseFile: 'unused', logger }),
    drop: () => admin(url, (client) => client.query(`drop database if exists ${name}`)).then(() => undefined),
  };
}

const postgresUrl = inject('postgresUrl');

/** Both stores; PostgreSQL is skipped only outside CI (test/support/postgres.ts fails CI without it). */
export const DIALECTS = [
  { kind: 'sqlite', skipped: undefined },
  {
    kind: 'postgres',
    skipped: postgresUrl
      ? undefined
      : 'skipped: PostgreSQL is not installed here (install postgresql, or set TEST_DATABASE_URL)',
  },
] as const;

/** A fresh target of `kind`. */
export function targetOf(kind: (typeof DIALECTS)[number]['kind']): Promise<Target> {
  return kind === 'sqlite' ? Promise.resolve(sqliteTarget()) : postgresTarget(postgresUrl!);
}
