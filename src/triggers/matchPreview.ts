import { compilePattern } from '../../backend/src/triggers/pattern';
import type { DeploymentDto, RunDto } from '../api/types';

// The backend's matching rules (backend/src/triggers/matching.ts), restated for the editor's preview with the
// backend's own pattern engine. The backend decides what fires; test/triggers/matchPreview.test.ts runs both on the
// same cases.

/** What the backend reads from a trigger: saved pipeline JSON, so any field may hold anything. */
export interface TriggerFields {
  enabled?: unknown;
  repository?: unknown;
  workflow?: unknown;
  branch?: unknown;
  conclusion?: unknown;
  environment?: unknown;
  ref?: unknown;
}

export interface WorkflowRunFacts {
  repository: string;
  /** `.github/workflows/deploy.yml` */
  workflowPath: string;
  workflowName: string;
  branch: string | null;
  conclusion: string | null;
  /** GitHub sends the event only when the run is `completed`. */
  status: string;
}

export interface DeploymentFacts {
  repository: string;
  environment: string;
  ref: string;
}

export interface MatchPreview {
  matches: boolean;
  /** Why not, one sentence fragment per failed condition; empty when it matches. */
  reasons: string[];
}

/** A trigger field as the backend reads it: trimmed text, or empty for anything that is not a string. */
export const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Why the pattern is not one the backend can run (the backend's own pattern.ts); undefined when it is. */
export function patternError(pattern: string): string | undefined {
  const compiled = compilePattern(pattern);
  return compiled.ok ? undefined : compiled.reason;
}

/** The conclusions a trigger accepts, lower-cased: `success` when unset; `*` stands for any. */
export function conclusionList(wanted: unknown): string[] {
  const values = Array.isArray(wanted) ? wanted.map(String) : text(wanted) ? text(wanted).split(',') : ['success'];
  return values.map((value) => value.trim().toLowerCase()).filter(Boolean);
}

function patternReason(what: string, pattern: string, value: string | null): string | undefined {
  if (!pattern) return undefined;
  if (value === null) return `it has no ${what}`;
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return `the ${what} pattern is not a valid regular expression`;
  return compiled.matches(value) ? undefined : `${what} ${value} does not match ${pattern}`;
}

function repositoryReason(trigger: TriggerFields, repository: string): string | undefined {
  const wanted = text(trigger.repository);
  return wanted.toLowerCase() === repository.toLowerCase() ? undefined : `repository is ${repository}, not ${wanted}`;
}

function workflowReason(wanted: string, run: WorkflowRunFacts): string | undefined {
  const fileName = run.workflowPath.split('/').pop() ?? '';
  if (wanted === fileName || wanted === run.workflowPath || wanted === run.workflowName) return undefined;
  return `workflow is ${fileName} (${run.workflowName}), not ${wanted || 'empty'}`;
}

function conclusionReason(wanted: unknown, conclusion: string | null): string | undefined {
  const list = conclusionList(wanted);
  if (list.includes('*') || (conclusion !== null && list.includes(conclusion.toLowerCase()))) return undefined;
  return `conclusion ${conclusion ?? 'none'} is not ${list.join(' or ') || 'in an empty list'}`;
}

const result = (reasons: Array<string | undefined>, trigger: TriggerFields): MatchPreview => {
  const all = [trigger.enabled === true ? undefined : 'the trigger is not enabled', ...reasons].filter(
    (reason): reason is string => reason !== undefined,
  );
  return { matches: all.length === 0, reasons: all };
};

/** Whether a completed run would start a pipeline with this `githubWorkflowRun` trigger, and why not. */
export function previewWorkflowRun(trigger: TriggerFields, run: WorkflowRunFacts): MatchPreview {
  return result(
    [
      repositoryReason(trigger, run.repository),
      workflowReason(text(trigger.workflow), run),
      run.status === 'completed' ? undefined : `it is not completed (${run.status})`,
      patternReason('branch', text(trigger.branch), run.branch),
      run.status === 'completed' ? conclusionReason(trigger.conclusion, run.conclusion) : undefined,
    ],
    trigger,
  );
}

/** Whether a created deployment would start a pipeline with this `githubDeployment` trigger, and why not. */
export function previewDeployment(trigger: TriggerFields, deployment: DeploymentFacts): MatchPreview {
  return result(
    [
      repositoryReason(trigger, deployment.repository),
      patternReason('environment', text(trigger.environment), deployment.environment),
      patternReason('ref', text(trigger.ref), deployment.ref),
    ],
    trigger,
  );
}

/** The facts of a run as its `workflow_run` event would carry them (backend eventOf: `name`, `path`, …). */
export const runFacts = (repository: string, run: RunDto): WorkflowRunFacts => ({
  repository,
  workflowPath: run.workflowPath,
  workflowName: run.name,
  branch: run.headBranch,
  conclusion: run.conclusion,
  status: run.status,
});

export const deploymentFacts = (repository: string, deployment: DeploymentDto): DeploymentFacts => ({
  repository,
  environment: deployment.environment,
  ref: deployment.ref,
});
