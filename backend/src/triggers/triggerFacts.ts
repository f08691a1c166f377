import { inert } from '../spel.js';
import { eventFacts } from './eventFacts.js';
import type { GithubEvent, Match } from './matching.js';

/**
 * The trigger Gate receives: the configured trigger, plus the event's facts (eventFacts.ts, docs/triggers.md),
 * `eventId` (the delivery, which Spinnaker's execution search can find) and the whole event as `payload`, as Echo
 * does for webhook triggers. `user` is the trigger's runAsUser when it has one. Everything taken from the event is
 * inert for Orca's expressions (spel.ts); the pipeline author's own trigger fields stay as written.
 */
export function triggerFor(
  match: Match,
  event: GithubEvent,
  deliveryId: string,
  payload: unknown,
): Record<string, unknown> {
  const configured = match.trigger;
  const runAsUser = typeof configured.runAsUser === 'string' && configured.runAsUser ? configured.runAsUser : undefined;
  const common = {
    ...configured,
    ...(runAsUser ? { user: runAsUser } : {}),
    eventId: deliveryId,
    correlationId: `${deliveryId}:${match.pipeline.id}`,
  };
  return { ...common, ...eventFacts(event), payload: inert(payload) };
}
