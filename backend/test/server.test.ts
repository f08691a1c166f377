import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/net.js';

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

const children: ChildProcessWithoutNullStreams[] = [];

const backendDir = new URL('..', import.meta.url).pathname;
/** From the TypeScript sources, or as `npm start --workspace backend` runs it: built into dist/. */
const FROM_SOURCES = ['--import', 'tsx', 'src/server.ts'];
const BUILT = ['dist/server.js'];

function start(env: NodeJS.ProcessEnv, args = FROM_SOURCES) {
  const child = spawn(process.execPath, args, {
    cwd: backendDir,
    env: { PATH: process.env.PATH, ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async waitFor(text: string) {
      for (let i = 0; i < 200 && !stdout.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      if (!stdout.includes(text)) throw new Error(`never printed "${text}": ${stdout}${stderr}`);
    },
  };
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('the backend process', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [join(backendDir, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: backendDir,
      },
    );
  }, 120_000);

  it('refuses to start without configuration and names each missing variable', async () => {
    const server = start({});
    expect(await server.exited).toBe(1);
    const { stderr } = server.output();
    expect(stderr).toContain('Invalid configuration:');
    for (const name of [
      'GITHUB_APP_ID',
      'GITHUB_APP_PRIVATE_KEY',
      'GITHUB_WEBHOOK_SECRET',
      'GATE_URL',
      'STAGE_SECRET',
    ]) {
      expect(stderr).toContain(`  - ${name}: is required`);
    }
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  const configured = (port: number, databaseFile: string) => ({
    PORT: String(port),
    GITHUB_APP_ID: '1',
    GITHUB_APP_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: 'webhook-secret',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GATE_URL: 'http://127.0.0.1:9',
    SPINNAKER_UI_URL: 'http://deck.example.com',
    STAGE_SECRET: 'stage-secret-0123456789',
    DATABASE_FILE: databaseFile,
  });

  it('built, starts, creates its embedded database, stores a webhook delivery and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'backend-'));
    const databaseFile = join(dataDir, 'nested', 'backend.db');
    const server = start(configured(port, databaseFile), BUILT);
    await server.waitFor('listening');
    expect(existsSync(databaseFile)).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    // The embedded store writes deliveries from its own thread, which must load from dist/ as well.
    const body = JSON.stringify({ action: 'requested', workflow_run: { id: 1 } });
    const delivery = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-delivery': 'built-1',
        'x-github-event': 'workflow_run',
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'webhook-secret').update(body).digest('hex')}`,
      },
      body,
    });
    expect(delivery.status).toBe(202);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const { stdout } = server.output();
    expect(stdout).toContain('shutting down');
    expect(stdout).toContain('"msg":"stopped"');
    expect(stdout).not.toContain('PRIVATE KEY');
    const stored = new Database(databaseFile, { readonly: true })
      .prepare<[], { payload_gzip: Buffer }>(`select payload_gzip from deliveries where id = 'built-1'`)
      .get();
    expect(gunzipSync(stored!.payload_gzip).toString()).toBe(body);
  });

  it('drops the bodies of handled deliveries older than DELIVERY_BODY_RETENTION_DAYS when it starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'backend-'));
    const databaseFile = join(dataDir, 'backend.db');
    const first = start(configured(await freePort(), databaseFile));
    await first.waitFor('listening');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const day = 86_400_000;
    const db = new Database(databaseFile);
    const add = db.prepare<[string, number, string]>(
      `insert into deliveries (id, event, payload, received_at, status, next_attempt_at) values (?, 'push', '{"ref":"main"}', ?, ?, 0)`,
    );
    add.run('old-handled', Date.now() - 4 * day, 'processed');
    add.run('recent-handled', Date.now() - 2 * day, 'processed');
    db.close();

    const second = start({ ...configured(await freePort(), databaseFile), DELIVERY_BODY_RETENTION_DAYS: '3' });
    await second.waitFor('bodies of deliveries handled before the retention dropped');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const rows = new Database(databaseFile, { readonly: true })
      .prepare<[], { id: string; payload: string }>(`select id, payload from deliveries order by id`)
      .all();
    expect(rows).toEqual([
      { id: 'old-handled', payload: '' },
      { id: 'recent-handled', payload: '{"ref":"main"}' },
    ]);
  });
});
