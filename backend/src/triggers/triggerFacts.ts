import { inert } from '../spel.js';
import type { GithubEvent, Match } from './matching.js';

/**
 * The trigger Gate receives: the configured trigger, plus the event's facts (docs/triggers.md), `eventId` (the
 * delivery, which Spinnaker's execution search can find) and the whole event as `payload`, as Echo does for
 * webhook triggers. `user` is the trigger's runAsUser when it has one. Everything taken from the event is inert
 * for Orca's expressions (spel.ts); the pipeline author's own trigger fields stay as written.
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
  return { ...common, ...inert(factsOf(event, payload)) };
}

function factsOf(event: GithubEvent, payload: unknown): Record<string, unknown> {
  const common = { repository: event.repository, sha: event.sha };
  if (event.kind === 'workflow_run') {
    const workflowFile = event.workflowPath.split('/').pop() ?? event.workflowPath;
    return {
      ...common,
      workflowName: event.workflowName,
      workflowPath: event.workflowPath,
      branch: event.branch,
      conclusion: event.conclusion,
      workflowRunId: event.runId,
      runNumber: event.runNumber,
      link: event.htmlUrl,
      linkText: `${workflowFile} #${event.runNumber}`,
      payload,
    };
  }
  return {
    ...common,
    ref: event.ref,
    environment: event.environment,
    deploymentId: event.deploymentId,
    link: `${event.repositoryUrl}/deployments`,
    linkText: `deployment to ${event.environment}`,
    payload,
  };
}
