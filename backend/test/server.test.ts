import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/net.js';

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

const children: ChildProcessWithoutNullStreams[] = [];

function start(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
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

  it('starts, creates its embedded database, answers /health and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'backend-'));
    const server = start({
      PORT: String(port),
      GITHUB_APP_ID: '1',
      GITHUB_APP_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: 'webhook-secret',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      GATE_URL: 'http://127.0.0.1:9',
      SPINNAKER_UI_URL: 'http://deck.example.com',
      STAGE_SECRET: 'stage-secret-0123456789',
      DATABASE_FILE: join(dataDir, 'nested', 'backend.db'),
    });
    await server.waitFor('listening');
    expect(existsSync(join(dataDir, 'nested', 'backend.db'))).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const { stdout } = server.output();
    expect(stdout).toContain('shutting down');
    expect(stdout).toContain('"msg":"stopped"');
    expect(stdout).not.toContain('PRIVATE KEY');
  });
});
