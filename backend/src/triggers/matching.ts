import type { Logger } from 'pino';
import { compilePattern } from './pattern.js';

/** A pipeline config as Gate serves it (front50's JSON); only the fields matching reads. */
export interface PipelineConfig {
  id: string;
  name: string;
  application: string;
  disabled?: boolean;
  triggers?: Record<string, unknown>[];
}

export const WORKFLOW_RUN_TRIGGER = 'githubWorkflowRun';
export const DEPLOYMENT_TRIGGER = 'githubDeployment';

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

export interface Match {
  pipeline: PipelineConfig;
  trigger: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The whole value matches the pattern, as Echo's triggers match (pattern.ts). An empty pattern matches anything. */
function fullMatch(pattern: string, value: string | null, onInvalid: (message: string) => void): boolean {
  if (!pattern) return true;
  if (value === null) return false;
  const compiled = compilePattern(pattern);
  if (!compiled.ok) onInvalid(compiled.reason);
  return compiled.ok && compiled.matches(value);
}

/** `conclusion`: one value, a comma-separated list, or `*` for any; `success` when unset. */
function conclusionMatches(wanted: unknown, conclusion: string | null): boolean {
  const list = (Array.isArray(wanted) ? wanted.map(String) : text(wanted) ? text(wanted).split(',') : ['success'])
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
  return list.includes('*') || (conclusion !== null && list.includes(conclusion.toLowerCase()));
}

function workflowMatches(wanted: string, event: WorkflowRunEvent): boolean {
  const fileName = event.workflowPath.split('/').pop() ?? '';
  return wanted === fileName || wanted === event.workflowPath || wanted === event.workflowName;
}

function triggerMatches(
  trigger: Record<string, unknown>,
  event: GithubEvent,
  invalid: (message: string) => void,
): boolean {
  if (text(trigger.repository).toLowerCase() !== event.repository.toLowerCase()) return false;
  if (event.kind === 'workflow_run') {
    return (
      trigger.type === WORKFLOW_RUN_TRIGGER &&
      workflowMatches(text(trigger.workflow), event) &&
      fullMatch(text(trigger.branch), event.branch, invalid) &&
      conclusionMatches(trigger.conclusion, event.conclusion)
    );
  }
  return (
    trigger.type === DEPLOYMENT_TRIGGER &&
    fullMatch(text(trigger.environment), event.environment, invalid) &&
    fullMatch(text(trigger.ref), event.ref, invalid)
  );
}

/**
 * The pipelines an event starts, with the trigger that matched, mirroring Echo: a disabled pipeline or a
 * trigger that is not enabled never fires; the first matching trigger of a pipeline wins, so a pipeline
 * starts at most once per event. A trigger with an invalid regex never fires and is logged.
 */
export function matchPipelines(event: GithubEvent, pipelines: PipelineConfig[], logger: Logger): Match[] {
  const matches: Match[] = [];
  for (const pipeline of pipelines) {
    if (pipeline.disabled === true) continue;
    const trigger = (pipeline.triggers ?? []).find(
      (candidate) =>
        candidate.enabled === true &&
        triggerMatches(candidate, event, (message) =>
          logger.warn(
            { application: pipeline.application, pipeline: pipeline.name, message },
            'trigger has an invalid regular expression',
          ),
        ),
    );
    if (trigger) matches.push({ pipeline, trigger });
  }
  return matches;
}

/** The facts of a delivery the matching reads, or undefined for events and actions that start nothing. */
export function eventOf(name: string, payload: Record<string, unknown>): GithubEvent | undefined {
  const repository = text((payload.repository as { full_name?: unknown } | undefined)?.full_name);
  if (name === 'workflow_run' && payload.action === 'completed') {
    const run = payload.workflow_run as Record<string, unknown>;
    return {
      kind: 'workflow_run',
      repository,
      workflowPath: text(run.path),
      workflowName: text(run.name) || text((payload.workflow as { name?: unknown } | undefined)?.name),
      branch: typeof run.head_branch === 'string' ? run.head_branch : null,
      conclusion: typeof run.conclusion === 'string' ? run.conclusion : null,
      sha: text(run.head_sha),
      runId: Number(run.id),
      runNumber: Number(run.run_number),
      htmlUrl: text(run.html_url),
    };
  }
  if (name === 'deployment' && payload.action === 'created') {
    const deployment = payload.deployment as Record<string, unknown>;
    return {
      kind: 'deployment',
      repository,
      repositoryUrl: text((payload.repository as { html_url?: unknown } | undefined)?.html_url),
      deploymentId: Number(deployment.id),
      environment: text(deployment.environment),
      ref: text(deployment.ref),
      sha: text(deployment.sha),
      task: text(deployment.task),
    };
  }
  return undefined;
}
