import type { RunRef } from './types';

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined => {
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      return asObject(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
};

function runRef(value: unknown): RunRef | undefined {
  const candidate = asObject(value);
  const runId = Number(candidate?.runId);
  const { owner, repo } = candidate ?? {};
  if (typeof owner !== 'string' || typeof repo !== 'string' || !owner || !repo) return undefined;
  return Number.isSafeInteger(runId) && runId > 0 ? { owner, repo, runId } : undefined;
}

/**
 * The GitHub run a stage started, from its context. Orca's webhook tasks keep the backend's answers there: the
 * dispatch response in `webhook.body` (CreateWebhookTask via WebhookResponseProcessor) and the latest status poll in
 * `webhook.monitor.body` (MonitorWebhookTask), whose `run` holds the same fields. Bodies that Orca could not read as
 * JSON are strings.
 */
export function runFromStageContext(context: unknown): RunRef | undefined {
  const webhook = asObject(asObject(context)?.webhook);
  const monitorBody = asObject(asObject(webhook?.monitor)?.body);
  return runRef(monitorBody?.run) ?? runRef(monitorBody) ?? runRef(webhook?.body) ?? runRef(context) ?? undefined;
}
