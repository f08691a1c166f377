import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' }).toString();

const valid = {
  GITHUB_APP_ID: '12345',
  GITHUB_APP_PRIVATE_KEY: pkcs1,
  GITHUB_WEBHOOK_SECRET: 'webhook-secret',
  GATE_URL: 'https://gate.example.com/',
  SPINNAKER_UI_URL: 'https://spinnaker.example.com',
  STAGE_SECRET: 'a-stage-secret-of-32-characters!',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('names every missing variable, one line each, when nothing is configured', () => {
    expect(problemsOf({})).toEqual([
      'GITHUB_APP_ID: is required',
      'GITHUB_WEBHOOK_SECRET: is required',
      'GATE_URL: is required',
      'SPINNAKER_UI_URL: is required',
      'STAGE_SECRET: is required',
      'GITHUB_APP_PRIVATE_KEY: is required (or GITHUB_APP_PRIVATE_KEY_PATH, a file holding the PEM key)',
    ]);
  });

  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(8086);
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.gate.url).toBe('https://gate.example.com');
    expect(config.database).toEqual({ url: undefined, file: 'data/spinnaker-github.db' });
    expect(config.deliveryBodyRetentionDays).toBe(14);
    expect(config.githubBudgetReplicas).toBe(1);
    expect(config.logs.refreshRateLimitShare).toBe(0.25);
  });

  it('accepts a GitHub Enterprise Server API url and a PostgreSQL url', () => {
    const config = loadConfig({
      ...valid,
      GITHUB_API_URL: 'https://github.example.com/api/v3/',
      DATABASE_URL: 'postgres://spin:pw@db:5432/github',
    });
    expect(config.github.apiUrl).toBe('https://github.example.com/api/v3');
    expect(config.database.url).toBe('postgres://spin:pw@db:5432/github');
  });

  it('explains malformed values without echoing secrets', () => {
    const problems = problemsOf({
      ...valid,
      GITHUB_APP_ID: 'my-app',
      GITHUB_APP_PRIVATE_KEY: 'not-a-key-SECRET-MATERIAL',
      STAGE_SECRET: 'short',
      PORT: '99999',
      DATABASE_URL: 'mysql://db/github',
      DELIVERY_BODY_RETENTION_DAYS: '0.5',
      LOG_REFRESH_RATE_LIMIT_PERCENT: '0',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: /),
      "GITHUB_APP_ID: must be the App's numeric ID (GitHub App settings, About, App ID)",
      'STAGE_SECRET: must be at least 16 characters',
      'DATABASE_URL: must start with postgres:// or postgresql://',
      'DELIVERY_BODY_RETENTION_DAYS: must be a whole number of days',
      'LOG_REFRESH_RATE_LIMIT_PERCENT: must be at least 1',
      expect.stringMatching(/^GITHUB_APP_PRIVATE_KEY: is not a PEM private key/),
    ]);
    expect(problems.join('\n')).not.toContain('SECRET-MATERIAL');
    expect(problems.join('\n')).not.toContain('short');
  });

  it('reads the key from GITHUB_APP_PRIVATE_KEY_PATH, and from a value with escaped newlines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const path = join(dir, 'app.pem');
    writeFileSync(path, pkcs1);
    const { GITHUB_APP_PRIVATE_KEY: _inline, ...withoutKey } = valid;
    expect(loadConfig({ ...withoutKey, GITHUB_APP_PRIVATE_KEY_PATH: path }).github.privateKey).toContain(
      'BEGIN PRIVATE KEY',
    );
    const escaped = pkcs1.replace(/\n/g, '\\n');
    expect(loadConfig({ ...valid, GITHUB_APP_PRIVATE_KEY: escaped }).github.privateKey).toContain('BEGIN PRIVATE KEY');
  });

  it('refuses both key variables at once, an unreadable key file and a non-RSA key', () => {
    expect(problemsOf({ ...valid, GITHUB_APP_PRIVATE_KEY_PATH: '/nonexistent.pem' })).toEqual([
      'GITHUB_APP_PRIVATE_KEY: set it or GITHUB_APP_PRIVATE_KEY_PATH, not both',
    ]);
    const { GITHUB_APP_PRIVATE_KEY: _inline, ...withoutKey } = valid;
    expect(problemsOf({ ...withoutKey, GITHUB_APP_PRIVATE_KEY_PATH: '/nonexistent.pem' })).toEqual([
      'GITHUB_APP_PRIVATE_KEY_PATH: cannot read /nonexistent.pem (ENOENT)',
    ]);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(problemsOf({ ...valid, GITHUB_APP_PRIVATE_KEY: ec.toString() })).toEqual([
      'GITHUB_APP_PRIVATE_KEY: must be an RSA key, as GitHub generates them',
    ]);
  });
});
