import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Orca's preconfigured webhook stage, reduced to what the GitHub Workflow stage uses, so tests can run
 * config/orca-local.yml against the backend the way Orca would. Every rule below is from Orca's source as
 * written down, with file names, in docs/research/orca-webhook-stage.md:
 * - Spring resolves `${NAME}` from the environment at start and leaves unresolvable placeholders as they are (§4).
 * - A non-null config field replaces the stage's; the rest keep the stage's value (§1, PreconfiguredWebhookStage).
 * - SpEL `${…}` is evaluated over the stage context plus `execution`; an unknown key reads as null;
 *   `#toJson(x)` JSON-encodes; a string that is one whole expression keeps the value's type (§2).
 * - Create: 2xx/3xx succeeds; 429 and 5xx other than 504 are retried with the same body (every 10 s, for 5
 *   minutes); 504 and other 4xx end the stage TERMINAL (§3, CreateWebhookTask).
 * - Monitor: GET the status URL with the same headers; status matched case-insensitively against the
 *   comma-separated lists, anything else stays RUNNING; `progress` must be a string (§4, MonitorWebhookTask).
 * - Cancel: sent with the same headers when the user cancels while polling, and after the stage ends
 *   CANCELED or TERMINAL (§5).
 * Intervals are shortened; Orca's URL restrictions (no IP addresses) are not applied, since the backend
 * listens on 127.0.0.1 here.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PreconfiguredWebhook {
  type: string;
  label: string;
  url: string;
  method?: string;
  customHeaders?: Record<string, string[]>;
  /** Spinnaker 2026.1+: sent with every request, never kept in the stage context, never evaluated. */
  sensitiveHeaders?: Record<string, string[]>;
  payload?: string;
  statusUrlResolution?: string;
  statusUrlJsonPath?: string;
  statusJsonPath?: string;
  progressJsonPath?: string;
  successStatuses?: string;
  canceledStatuses?: string;
  terminalStatuses?: string;
  cancelEndpoint?: string;
  cancelMethod?: string;
  cancelPayload?: string;
  [field: string]: unknown;
}

export interface OrcaRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  response: unknown;
}

export interface StageOutcome {
  status: 'SUCCEEDED' | 'TERMINAL' | 'CANCELED';
  error?: string;
  progressMessages: string[];
  /** What Orca keeps in the stage context: `webhook.body` (create) and `webhook.monitor.body` (last poll). */
  webhook: { body?: unknown; monitor?: { body?: unknown; progressMessage?: string } };
  /** The stage context as an execution shows it: the config's fields but `sensitiveHeaders`. */
  context: Record<string, unknown>;
  requests: OrcaRequest[];
}

/** The entry of `webhook.preconfigured` with this type, as Spring would bind it with `env`. */
export function loadPreconfiguredWebhook(
  file: string,
  type: string,
  env: Record<string, string>,
): PreconfiguredWebhook {
  const raw = readFileSync(file, 'utf8');
  for (const [, name] of raw.matchAll(/\$\{([^}#]*)\}/g)) {
    if (name?.includes(':')) throw new Error(`Spring would read ':' in \${${name}} as a default value`);
  }
  const resolved = raw.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g,
    (placeholder, name: string) => env[name] ?? placeholder,
  );
  const config = parse(resolved) as { webhook: { preconfigured: PreconfiguredWebhook[] } };
  const entry = config.webhook.preconfigured.find((candidate) => candidate.type === type);
  if (!entry) throw new Error(`No webhook.preconfigured entry of type ${type} in ${file}`);
  return entry;
}

interface SpelRoot {
  context: Record<string, unknown>;
  execution: { id: string; application: string };
  stage: { id: string; startTime: number };
}

function valueOf(path: string, root: SpelRoot): unknown {
  if (path === '#currentStage().id') return root.stage.id;
  if (path === '#currentStage().startTime') return root.stage.startTime;
  if (path === 'execution.id') return root.execution.id;
  if (path === 'execution.application') return root.execution.application;
  if (/^[A-Za-z_]\w*$/.test(path)) return root.context[path] ?? null;
  throw new Error(`The Orca emulator does not evaluate \${${path}}; extend it only with what Orca's SpEL does`);
}

/** What kork's evaluator throws for an expression that fails (a SpelEvaluationException in Orca). */
class ExpressionFailure extends Error {}

function evaluate(expression: string, root: SpelRoot): unknown {
  const json = /^#toJson\((.+)\)$/.exec(expression);
  if (json) {
    const text = JSON.stringify(valueOf(json[1] ?? '', root) ?? null);
    // kork's #toJson refuses a result that still holds an expression (ExpressionsSupport).
    if (text.includes('${')) throw new ExpressionFailure(`#toJson: ${text} still holds an expression`);
    return text;
  }
  return valueOf(expression, root);
}

/** Orca's expression evaluation of one context value: when any part fails, the whole template as it was (ExpressionTransform). */
function evaluateString(text: string, root: SpelRoot): unknown {
  try {
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole) return evaluate(whole[1] ?? '', root);
    return text.replace(/\$\{([^{}]+)\}/g, (_match, expression: string) => {
      const value = evaluate(expression, root);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  } catch (error) {
    if (error instanceof ExpressionFailure) return text;
    throw error;
  }
}

const jsonPath = (body: unknown, path: string): unknown => {
  if (!/^\$(\.\w+)+$/.test(path)) throw new Error(`The Orca emulator reads only $.a.b paths, not ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>(
      (at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined),
      body,
    );
};

const statuses = (list: string | undefined) => new Set((list ?? '').split(',').map((s) => s.trim().toUpperCase()));

export interface RunOptions {
  webhook: PreconfiguredWebhook;
  /** The stage as Deck saved it: `repository`, `workflow`, `inputs`, … */
  stage: Record<string, Json>;
  executionId?: string;
  application?: string;
  stageId?: string;
  stageStartTime?: number;
  /** Called before each poll with its number (from 1); answer `cancel` to cancel the stage as a user would. */
  beforePoll?: (poll: number) => void | 'cancel' | Promise<void | 'cancel'>;
  /** Called before each create attempt with its number (from 1). */
  beforeCreate?: (attempt: number) => void | Promise<void>;
  maxPolls?: number;
  createRetries?: number;
}

export async function runWebhookStage(options: RunOptions): Promise<StageOutcome> {
  const { webhook } = options;
  const context: Record<string, unknown> = { ...options.stage };
  for (const [field, value] of Object.entries(webhook)) {
    // PreconfiguredWebhookStage.IGNORE_FIELDS.
    if (['props', 'enabled', 'label', 'description', 'type', 'parameters', 'sensitiveHeaders'].includes(field))
      continue;
    if (value !== null && value !== undefined) context[field] = value;
  }
  const root: SpelRoot = {
    context,
    execution: { id: options.executionId ?? '01JEXECUTIONORCA', application: options.application ?? 'hello' },
    stage: { id: options.stageId ?? 'stage-orca', startTime: options.stageStartTime ?? Date.now() },
  };
  const at = (field: string) => {
    const value = context[field];
    return typeof value === 'string' ? evaluateString(value, root) : value;
  };
  // WebhookService.getRestTemplateData: the context's evaluated customHeaders, then the config's sensitiveHeaders
  // as written (they win on a clash).
  const headers = Object.fromEntries([
    ...Object.entries((context.customHeaders ?? {}) as Record<string, string[]>).map(([name, values]) => [
      name,
      values.map((value) => String(evaluateString(value, root))).join(','),
    ]),
    ...Object.entries(webhook.sensitiveHeaders ?? {}).map(([name, values]) => [name, values.join(',')]),
  ]);
  const outcome: StageOutcome = { status: 'TERMINAL', progressMessages: [], webhook: {}, requests: [], context };

  const send = async (method: string, url: string, body?: string) => {
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Orca keeps a non-JSON body as text.
    }
    outcome.requests.push({ method, url, headers, body, status: response.status, response: parsed });
    return { status: response.status, body: parsed };
  };
  const cancel = async () => {
    const endpoint = at('cancelEndpoint');
    if (typeof endpoint !== 'string' || !endpoint) return;
    const payload = at('cancelPayload');
    await send(String(at('cancelMethod') ?? 'POST'), endpoint, typeof payload === 'string' ? payload : undefined);
  };

  // createWebhook
  let created: { status: number; body: unknown } | undefined;
  const payload = at('payload');
  for (let attempt = 0; attempt <= (options.createRetries ?? 3); attempt++) {
    await options.beforeCreate?.(attempt + 1);
    created = await send(
      String(at('method') ?? 'POST'),
      String(at('url')),
      typeof payload === 'string' ? payload : undefined,
    );
    if (created.status < 400) break;
    const retryable = (created.status >= 500 && created.status !== 504) || created.status === 429;
    if (!retryable) break;
  }
  if (!created || created.status >= 400) {
    outcome.error = JSON.stringify(created?.body);
    await cancel();
    return outcome;
  }
  outcome.webhook.body = created.body;
  if (context.waitForCompletion !== true) return { ...outcome, status: 'SUCCEEDED' };

  // monitorWebhook
  if (at('statusUrlResolution') !== 'webhookResponse')
    throw new Error('The emulator follows statusUrlResolution webhookResponse only');
  const statusUrl = jsonPath(created.body, String(at('statusUrlJsonPath')));
  if (typeof statusUrl !== 'string' || !/^https?:\/\//.test(statusUrl)) {
    outcome.error = `status URL ${String(statusUrl)} is not absolute`;
    return outcome;
  }
  const success = statuses(String(at('successStatuses')));
  const canceled = statuses(String(at('canceledStatuses')));
  const terminal = statuses(String(at('terminalStatuses')));
  for (let poll = 1; poll <= (options.maxPolls ?? 20); poll++) {
    if ((await options.beforePoll?.(poll)) === 'cancel') {
      await cancel();
      return { ...outcome, status: 'CANCELED' };
    }
    const polled = await send('GET', statusUrl);
    if (polled.status >= 400) {
      outcome.error = JSON.stringify(polled.body);
      if (polled.status >= 500 || polled.status === 429) continue;
      await cancel();
      return outcome;
    }
    const status = jsonPath(polled.body, String(at('statusJsonPath')));
    const progress = jsonPath(polled.body, String(at('progressJsonPath')));
    outcome.webhook.monitor = {
      body: polled.body,
      progressMessage: typeof progress === 'string' ? progress : undefined,
    };
    if (typeof progress !== 'string' || typeof status !== 'string') {
      outcome.error = 'status or progress did not resolve to a string';
      await cancel();
      return outcome;
    }
    outcome.progressMessages.push(progress);
    const upper = status.toUpperCase();
    if (success.has(upper)) return { ...outcome, status: 'SUCCEEDED' };
    if (canceled.has(upper) || terminal.has(upper)) {
      await cancel();
      return { ...outcome, status: canceled.has(upper) ? 'CANCELED' : 'TERMINAL' };
    }
  }
  throw new Error('The stage was still running after maxPolls polls');
}

/** A stage of an execution as Orca stores it: its name and its context, `webhook` included. */
export interface StoredStage {
  name: string;
  context: Record<string, unknown>;
}

/**
 * A later stage's `${#stage('Name')['context']…['key']}` as Orca evaluates it: `#stage` finds the execution's first
 * stage with that name or id (StageExpressionFunctionProvider.stage), each `['key']` indexes into a map, and a missing
 * key reads as null (allowUnknownKeys).
 */
export function evaluateStageExpression(text: string, stages: StoredStage[]): unknown {
  const whole = /^\$\{#stage\('([^']+)'\)((?:\['[^']+'\])+)\}$/.exec(text);
  if (!whole) throw new Error(`The Orca emulator evaluates only \${#stage('Name')['a']['b']…}, not ${text}`);
  const stage = stages.find((candidate) => candidate.name === whole[1]);
  if (!stage) throw new Error(`Unable to locate [${whole[1]}] using #stage(${whole[1]})`);
  const keys = [...(whole[2] ?? '').matchAll(/\['([^']+)'\]/g)].map((match) => match[1] ?? '');
  const [first, ...rest] = keys;
  if (first !== 'context') throw new Error("The Orca emulator reads only a stage's context");
  return rest.reduce<unknown>((at, key) => {
    if (at === null || at === undefined) throw new Error(`SpEL: cannot index into null with '${key}'`);
    return (at as Record<string, unknown>)[key] ?? null;
  }, stage.context);
}

/** The stage's context once Orca has stored the tasks' results (RunTaskHandler.processTaskOutput: context.putAll). */
export const storedContext = (outcome: StageOutcome): Record<string, unknown> => ({
  ...outcome.context,
  webhook: outcome.webhook,
});
