import type { DeploymentDto, RunDto, WorkflowDto } from '../contract.js';
import { inert } from '../spel.js';

// Pure: no I/O and no runtime import but spel.ts, so the Deck plugin's manual execution dialog builds a trigger with
// the very code the webhook path uses (src/triggers/manualExecution).

export interface WorkflowRunEvent {
  kind: 'workflow_run';
  repository: string;
  /** `.github/workflows/deploy.yml` */
  workflowPath: string;
  workflowName: string;
  branch: string | null;
  conclusion: string | null;
  sha: string;
  runId: number;
  runNumber: number;
  htmlUrl: string;
}

export interface DeploymentEvent {
  kind: 'deployment';
  repository: string;
  /** The repository's page, on github.com or a GitHub Enterprise Server. */
  repositoryUrl: string;
  deploymentId: number;
  environment: string;
  ref: string;
  sha: string;
  task: string;
}

export type GithubEvent = WorkflowRunEvent | DeploymentEvent;

/**
 * The facts of an event that a started pipeline's trigger carries (docs/triggers.md), made inert for Orca's
 * expressions: the same for a webhook delivery and for a manual start from Deck. The whole event (`payload`) and the
 * delivery's ids are the webhook path's own (triggerFacts.ts).
 */
export function eventFacts(event: GithubEvent): Record<string, unknown> {
  const common = { repository: event.repository, sha: event.sha };
  if (event.kind === 'workflow_run') {
    const workflowFile = event.workflowPath.split('/').pop() ?? event.workflowPath;
    return inert({
      ...common,
      workflowName: event.workflowName,
      workflowPath: event.workflowPath,
      branch: event.branch,
      conclusion: event.conclusion,
      workflowRunId: event.runId,
      runNumber: event.runNumber,
      link: event.htmlUrl,
      linkText: `${workflowFile} #${event.runNumber}`,
    });
  }
  return inert({
    ...common,
    ref: event.ref,
    environment: event.environment,
    deploymentId: event.deploymentId,
    link: `${event.repositoryUrl}/deployments`,
    linkText: `deployment to ${event.environment}`,
  });
}

/**
 * A completed run as the backend's read API lists it, read as its `workflow_run` event would carry it (eventOf):
 * a run without a name takes its workflow's, which the repository's workflow list gives.
 */
export const workflowRunEventOf = (
  repository: string,
  run: RunDto,
  workflows: WorkflowDto[] = [],
): WorkflowRunEvent => ({
  kind: 'workflow_run',
  repository: repository.trim(),
  workflowPath: run.workflowPath.trim(),
  workflowName: run.name.trim() || (workflows.find((w) => w.id === run.workflowId)?.name ?? '').trim(),
  branch: run.headBranch,
  conclusion: run.conclusion,
  sha: run.headSha.trim(),
  runId: run.id,
  runNumber: run.runNumber,
  htmlUrl: run.htmlUrl.trim(),
});

/** A deployment as the read API lists it, read as its `deployment` `created` event would carry it. */
export const deploymentEventOf = (
  repository: { fullName: string; htmlUrl: string },
  deployment: DeploymentDto,
): DeploymentEvent => ({
  kind: 'deployment',
  repository: repository.fullName.trim(),
  repositoryUrl: repository.htmlUrl.trim(),
  deploymentId: deployment.id,
  environment: deployment.environment.trim(),
  ref: deployment.ref.trim(),
  sha: deployment.sha.trim(),
  task: deployment.task.trim(),
});
