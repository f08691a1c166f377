import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { GithubEvent, WorkflowRunEvent } from './eventFacts.js';
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

export type { DeploymentEvent, GithubEvent, WorkflowRunEvent } from './eventFacts.js';

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

type WorkflowRunCompleted = EmitterWebhookEvent<'workflow_run.completed'>['payload'];
type DeploymentCreated = EmitterWebhookEvent<'deployment.created'>['payload'];

/**
 * Returns `schema`, and compiles only when every `Payload` that GitHub's own types (@octokit/webhooks) allow also
 * passes it: a field read here that GitHub does not send, or sends with another type, fails `npm run typecheck`.
 */
const acceptingEvery =
  <Payload>() =>
  <Schema extends z.ZodType>(schema: Schema, ..._fits: Payload extends z.input<Schema> ? [] : [never]): Schema =>
    schema;

const repositorySchema = z.object({ full_name: z.string(), html_url: z.string() });

/** The fields of `workflow_run` `completed` the matching reads, checked at run time. */
const workflowRunCompleted = acceptingEvery<WorkflowRunCompleted>()(
  z.object({
    repository: repositorySchema,
    workflow: z.object({ name: z.string() }).nullable(),
    workflow_run: z.object({
      id: z.number(),
      run_number: z.number(),
      name: z.string().nullish(),
      path: z.string(),
      head_branch: z.string().nullable(),
      head_sha: z.string(),
      conclusion: z.string().nullable(),
      html_url: z.string(),
    }),
  }),
);

/** The fields of `deployment` `created` the matching reads, checked at run time. */
const deploymentCreated = acceptingEvery<DeploymentCreated>()(
  z.object({
    repository: repositorySchema,
    deployment: z.object({
      id: z.number(),
      environment: z.string(),
      ref: z.string(),
      sha: z.string(),
      task: z.string(),
    }),
  }),
);

/** A delivery of an event that starts pipelines whose body lacks what GitHub always sends: retrying cannot help. */
export class MalformedPayloadError extends Error {
  constructor(event: string, error: z.ZodError) {
    super(`The ${event} delivery is not shaped as GitHub sends it: ${z.prettifyError(error)}`);
    this.name = 'MalformedPayloadError';
  }
}

function parse<Schema extends z.ZodType>(event: string, schema: Schema, payload: unknown): z.output<Schema> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new MalformedPayloadError(event, parsed.error);
  return parsed.data;
}

const actionOf = (payload: unknown) =>
  typeof payload === 'object' && payload !== null ? (payload as { action?: unknown }).action : undefined;

/**
 * The facts of a delivery the matching reads, or undefined for events and actions that start nothing.
 * Throws `MalformedPayloadError` when a `workflow_run` `completed` or `deployment` `created` body lacks them.
 */
export function eventOf(name: string, payload: unknown): GithubEvent | undefined {
  if (name === 'workflow_run' && actionOf(payload) === 'completed') {
    const { repository, workflow, workflow_run: run } = parse('workflow_run', workflowRunCompleted, payload);
    return {
      kind: 'workflow_run',
      repository: repository.full_name.trim(),
      workflowPath: run.path.trim(),
      workflowName: (run.name ?? '').trim() || (workflow?.name ?? '').trim(),
      branch: run.head_branch,
      conclusion: run.conclusion,
      sha: run.head_sha.trim(),
      runId: run.id,
      runNumber: run.run_number,
      htmlUrl: run.html_url.trim(),
    };
  }
  if (name === 'deployment' && actionOf(payload) === 'created') {
    const { repository, deployment } = parse('deployment', deploymentCreated, payload);
    return {
      kind: 'deployment',
      repository: repository.full_name.trim(),
      repositoryUrl: repository.html_url.trim(),
      deploymentId: deployment.id,
      environment: deployment.environment.trim(),
      ref: deployment.ref.trim(),
      sha: deployment.sha.trim(),
      task: deployment.task.trim(),
    };
  }
  return undefined;
}
