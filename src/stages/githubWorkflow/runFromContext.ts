import type { IExecutionStage } from '@spinnaker/core';

/** The run a stage started, as the backend reported it to Orca (CONTRACTS: the stage's execution context). */
export interface StageRun {
  owner: string;
  repo: string;
  runId: number;
  runAttempt?: number;
  runNumber?: number;
  name?: string;
  htmlUrl?: string;
  status?: string;
  conclusion?: string | null;
  headBranch?: string | null;
  headSha?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function pick(body: unknown): Partial<StageRun> {
  if (!isObject(body)) return {};
  const run: Partial<StageRun> = {};
  for (const key of ['owner', 'repo', 'name', 'htmlUrl', 'status', 'headSha'] as const) {
    if (typeof body[key] === 'string') run[key] = body[key] as string;
  }
  for (const key of ['runId', 'runAttempt', 'runNumber'] as const) {
    if (Number(body[key]) > 0) run[key] = Number(body[key]);
  }
  for (const key of ['conclusion', 'headBranch'] as const) {
    if (typeof body[key] === 'string' || body[key] === null) run[key] = body[key] as string | null;
  }
  return run;
}

/** Orca's webhook stage context: `webhook.body` from CreateWebhookTask, `webhook.monitor` from MonitorWebhookTask. */
function webhookOf(stage: Pick<IExecutionStage, 'context'>): Json {
  const webhook = stage.context?.webhook;
  return isObject(webhook) ? webhook : {};
}

const monitorOf = (webhook: Json): Json => (isObject(webhook.monitor) ? webhook.monitor : {});

/**
 * The stage's run: the `run` of the latest poll response (`webhook.monitor.body.run`), field by field over the
 * dispatch response (`webhook.body`). Undefined until the backend has answered the dispatch with a run.
 */
export function runFromContext(stage: Pick<IExecutionStage, 'context'>): StageRun | undefined {
  const webhook = webhookOf(stage);
  const polled = monitorOf(webhook).body;
  const run = { ...pick(webhook.body), ...pick(isObject(polled) ? polled.run : undefined) };
  return run.owner && run.repo && run.runId ? (run as StageRun) : undefined;
}

/** The latest poll's progress ("3 of 5 jobs done"). */
export function progressFromContext(stage: Pick<IExecutionStage, 'context'>): string | undefined {
  const monitor = monitorOf(webhookOf(stage));
  const progress = isObject(monitor.body) ? monitor.body.progress : monitor.progressMessage;
  return typeof progress === 'string' && progress ? progress : undefined;
}

function backendMessage(body: unknown): string | undefined {
  const error = isObject(body) ? body.error : undefined;
  return isObject(error) && typeof error.message === 'string' ? error.message : undefined;
}

/**
 * The backend's message inside the text Orca writes for a failed poll. Orca keeps no body then, only
 * `an exception occurred in webhook monitor to <url>: <Spring's exception>`, whose text ends with the response body
 * (orca MonitorWebhookTask; Spring's DefaultResponseErrorHandler). Found by position, not by a pattern.
 */
function backendMessageIn(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const start = text.indexOf('{"error":');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return backendMessage(JSON.parse(text.slice(start, end + 1)));
  } catch {
    return undefined;
  }
}

/**
 * Why a call to the backend failed: the backend's own message (`{ error: { message } }`, which Orca keeps as the
 * response body), else what Orca's webhook tasks wrote in `error`.
 */
export function webhookErrorFromContext(stage: Pick<IExecutionStage, 'context'>): string | undefined {
  const webhook = webhookOf(stage);
  const monitor = monitorOf(webhook);
  const error =
    backendMessage(monitor.body) ??
    backendMessageIn(monitor.error) ??
    monitor.error ??
    backendMessage(webhook.body) ??
    webhook.error;
  return typeof error === 'string' && error ? error : undefined;
}
