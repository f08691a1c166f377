import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DENY_ALL, accessPolicySchema, type AccessPolicy } from './stage/accessPolicy.js';

export interface Config {
  port: number;
  logLevel: string;
  github: {
    appId: number;
    privateKey: string;
    webhookSecret: string;
    apiUrl: string;
  };
  gate: { url: string; authHeader?: string };
  /** FIAT_URL: with it, `/api` reads follow Fiat's permissions; without, every Spinnaker user reads everything. */
  fiatUrl?: string;
  spinnakerUiUrl: string;
  stageSecret: string;
  /** STAGE_SECRET_PREVIOUS: the secret being rotated out, accepted beside STAGE_SECRET until unset. */
  previousStageSecret?: string;
  database: { url?: string; file: string };
  /** How long a replica keeps claimed work (deliveries, status writes, execution checks) before another may take it. */
  workLeaseMs: number;
  /** On SIGTERM, how long /ready answers 503 while requests are still served, before the server closes. */
  shutdownDrainMs: number;
  /** Days a handled delivery's body is kept; its id is kept for good, so a replay is still refused. */
  deliveryBodyRetentionDays: number;
  /** The longest a lost `workflow_run`/`workflow_job` event may hold back a stage's end before GitHub is read. */
  runEventFallbackMs: number;
  /** How many replicas share each installation's request budget (each takes its share). */
  githubBudgetReplicas: number;
  /** Job logs on disk: where, how many bytes and how long at most, and how often a running job's log is read again. */
  logs: { dir?: string; maxBytes: number; maxAgeMs: number; refreshMs: number; refreshRateLimitShare: number };
  /** Which applications may dispatch to which repositories; `configured: false` denies every dispatch. */
  accessPolicy: { configured: boolean; policy: AccessPolicy };
}

const url = (protocols: string[]) =>
  z
    .url({ error: 'must be an absolute URL' })
    .refine((value) => protocols.includes(new URL(value).protocol), {
      error: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    })
    .transform((value) => value.replace(/\/+$/, ''));

const required = (message = 'is required') => z.string({ error: message }).trim().min(1, { error: message });

const envSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535).default(8086),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GITHUB_APP_ID: required()
    .regex(/^\d+$/, { error: "must be the App's numeric ID (GitHub App settings, About, App ID)" })
    .transform(Number),
  GITHUB_WEBHOOK_SECRET: required(),
  GITHUB_API_URL: url(['https:', 'http:']).default('https://api.github.com'),
  GATE_URL: required().pipe(url(['https:', 'http:'])),
  GATE_AUTH_HEADER: z.string().optional(),
  FIAT_URL: url(['https:', 'http:']).optional(),
  SPINNAKER_UI_URL: required().pipe(url(['https:', 'http:'])),
  STAGE_SECRET: required().pipe(z.string().min(16, { error: 'must be at least 16 characters' })),
  STAGE_SECRET_PREVIOUS: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_FILE: z.string().default('data/spinnaker-github.db'),
  WORK_LEASE_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(1000).default(60_000),
  SHUTDOWN_DRAIN_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(600_000, { error: 'must be at most 600000 (10 minutes)' })
    .default(0),
  DELIVERY_BODY_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1' })
    .default(14),
  RUN_EVENT_FALLBACK_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(5_000, { error: 'must be at least 5000 (5 seconds)' })
    .default(60_000),
  GITHUB_BUDGET_REPLICAS: z.coerce
    .number({ error: 'must be a number of replicas' })
    .int({ error: 'must be a whole number of replicas' })
    .min(1, { error: 'must be at least 1' })
    .max(80, { error: 'must be at most 80 (each replica keeps one write a minute)' })
    .default(1),
  LOG_CACHE_DIR: z.string().optional(),
  LOG_CACHE_MAX_MB: z.coerce
    .number({ error: 'must be a number of megabytes' })
    .int({ error: 'must be a whole number of megabytes' })
    .min(1, { error: 'must be at least 1' })
    .default(2048),
  LOG_CACHE_MAX_AGE_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .positive({ error: 'must be more than 0' })
    .default(24),
  LOG_REFRESH_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(500, { error: 'must be at least 500' })
    .default(2_000),
  LOG_REFRESH_RATE_LIMIT_PERCENT: z.coerce
    .number({ error: 'must be a whole number of percent, like 25 (without %)' })
    .int({ error: 'must be a whole number of percent, like 25 (without %)' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100' })
    .default(25),
});

/** Thrown when the environment cannot run the backend; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, so `FOO=` in a .env file behaves like a missing variable. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** Kubernetes secrets and .env files often carry the PEM with literal `\n`. */
function normalisePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

function readPrivateKey(env: Record<string, string>): { pem?: string; problem?: string } {
  const inline = env.GITHUB_APP_PRIVATE_KEY;
  const path = env.GITHUB_APP_PRIVATE_KEY_PATH;
  if (inline && path) return { problem: 'GITHUB_APP_PRIVATE_KEY: set it or GITHUB_APP_PRIVATE_KEY_PATH, not both' };
  if (!inline && !path) {
    return {
      problem: 'GITHUB_APP_PRIVATE_KEY: is required (or GITHUB_APP_PRIVATE_KEY_PATH, a file holding the PEM key)',
    };
  }
  const source = path ? 'GITHUB_APP_PRIVATE_KEY_PATH' : 'GITHUB_APP_PRIVATE_KEY';
  let pem: string;
  try {
    pem = path ? readFileSync(path, 'utf8') : normalisePem(inline ?? '');
  } catch (error) {
    return { problem: `${source}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return { problem: `${source}: must be an RSA key, as GitHub generates them` };
    // PKCS#8 once here spares the JWT signer a conversion on every token.
    return { pem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
  } catch {
    // Never echo the value: it is the App's private key.
    return {
      problem: `${source}: is not a PEM private key (generate one in the GitHub App's settings; it starts with -----BEGIN RSA PRIVATE KEY-----)`,
    };
  }
}

function readAccessPolicy(env: Record<string, string>): { policy?: Config['accessPolicy']; problem?: string } {
  const inline = env.ACCESS_POLICY;
  const path = env.ACCESS_POLICY_FILE;
  if (inline && path) return { problem: 'ACCESS_POLICY: set it or ACCESS_POLICY_FILE, not both' };
  if (!inline && !path) return { policy: { configured: false, policy: DENY_ALL } };
  const source = path ? 'ACCESS_POLICY_FILE' : 'ACCESS_POLICY';
  let value: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both forms.
    value = parseYaml(path ? readFileSync(path, 'utf8') : (inline ?? ''));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `${source}: ${code ? `cannot read ${path} (${code})` : 'is not JSON or YAML'}` };
  }
  const parsed = accessPolicySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      problem: `${source}: ${issue ? `${issue.path.join('.') || 'the policy'} ${issue.message}` : 'is not a policy'} (expected { applications: { <application>: { repositories: [org/repo, org/*] } } })`,
    };
  }
  return { policy: { configured: true, policy: parsed.data } };
}

/** Reads and checks the whole environment; throws one `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const vars = withoutEmpty(env);
  const parsed = envSchema.safeParse(vars);
  const key = readPrivateKey(vars);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (key.problem) problems.push(key.problem);
  const access = readAccessPolicy(vars);
  if (access.problem) problems.push(access.problem);
  if (!parsed.success || !key.pem || !access.policy) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    github: {
      appId: e.GITHUB_APP_ID,
      privateKey: key.pem,
      webhookSecret: e.GITHUB_WEBHOOK_SECRET,
      apiUrl: e.GITHUB_API_URL,
    },
    gate: { url: e.GATE_URL, authHeader: e.GATE_AUTH_HEADER },
    fiatUrl: e.FIAT_URL,
    spinnakerUiUrl: e.SPINNAKER_UI_URL,
    stageSecret: e.STAGE_SECRET,
    previousStageSecret: e.STAGE_SECRET_PREVIOUS,
    database: { url: e.DATABASE_URL, file: e.DATABASE_FILE },
    workLeaseMs: e.WORK_LEASE_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    deliveryBodyRetentionDays: e.DELIVERY_BODY_RETENTION_DAYS,
    runEventFallbackMs: e.RUN_EVENT_FALLBACK_MS,
    githubBudgetReplicas: e.GITHUB_BUDGET_REPLICAS,
    logs: {
      dir: e.LOG_CACHE_DIR,
      maxBytes: e.LOG_CACHE_MAX_MB * 1024 * 1024,
      maxAgeMs: e.LOG_CACHE_MAX_AGE_HOURS * 60 * 60 * 1000,
      refreshMs: e.LOG_REFRESH_MS,
      refreshRateLimitShare: e.LOG_REFRESH_RATE_LIMIT_PERCENT / 100,
    },
    accessPolicy: access.policy,
  };
}
