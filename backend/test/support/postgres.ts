import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { freePort } from './net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server the store tests may create databases on; undefined when PostgreSQL is not installed. */
    postgresUrl: string | undefined;
  }
}

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

/** Debian's layout: /usr/lib/postgresql/<major>/bin. The newest major wins. */
function findBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  return readdirSync(PG_ROOT)
    .filter((major) => existsSync(join(PG_ROOT, major, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(PG_ROOT, major, 'bin'))[0];
}

/** Starts a throw-away PostgreSQL cluster for the store tests, unless TEST_DATABASE_URL names a server to use. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    return undefined;
  }
  const bin = findBinDir();
  if (!bin && process.env.CI) {
    // In CI (.ci/run sets CI) the PostgreSQL half of the store, fault and replica tests must run, not skip.
    throw new Error(
      `PostgreSQL is missing (no ${PG_ROOT}/*/bin/initdb), and CI runs its tests: apt-get install -y postgresql`,
    );
  }
  if (!bin) {
    console.warn(
      `PostgreSQL store tests are skipped: no ${PG_ROOT}/*/bin/initdb (install the postgresql package or set TEST_DATABASE_URL).`,
    );
    project.provide('postgresUrl', undefined);
    return undefined;
  }

  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root, so as root the cluster belongs to the postgres OS user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
    chownSync(dir, await id('-u'), await id('-g'));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  const port = await freePort();
  const log = join(dir, 'server.log');
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    // -F: no fsync, the cluster is deleted after the run; the benchmark keeps fsync (POSTGRES_FSYNC=on) to be honest.
    // POSTGRES_SERVER_OPTIONS: more `-c name=value` settings, for the benchmark (docs/performance.md).
    const serverOptions = `-k ${dir} -h 127.0.0.1 -p ${port}${process.env.POSTGRES_FSYNC === 'on' ? '' : ' -F'} ${process.env.POSTGRES_SERVER_OPTIONS ?? ''}`;
    await pg('pg_ctl', ['start', '-w', '-t', '30', '-D', data, '-l', log, '-o', serverOptions]);
  } catch (error) {
    const output = [(error as { stderr?: string }).stderr, existsSync(log) ? readFileSync(log, 'utf8') : '']
      .filter(Boolean)
      .join('\n');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a test PostgreSQL from ${bin}: ${output || String(error)}`, { cause: error });
  }
  console.info(`Test PostgreSQL (${bin}) on 127.0.0.1:${port}, ready in ${Math.round(performance.now() - started)} ms`);
  project.provide('postgresUrl', `postgres://postgres@127.0.0.1:${port}/postgres`);

  return async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch((error: unknown) => {
      console.warn(`Could not stop the test PostgreSQL in ${data}: ${String(error)}`);
    });
    rmSync(dir, { recursive: true, force: true });
  };
}
