import type { ITrigger } from '@spinnaker/core';
import type { FormikProps } from 'formik';

export const WORKFLOW_RUN_TRIGGER_KEY = 'githubWorkflowRun';
export const DEPLOYMENT_TRIGGER_KEY = 'githubDeployment';

/** A `githubWorkflowRun` trigger as pipeline JSON saves it (CONTRACTS: "Triggers"). */
export interface GithubWorkflowRunTrigger extends ITrigger {
  /** `owner/repo`. */
  repository?: string;
  /** The workflow's file name (`deploy.yml`), path or name. */
  workflow?: string;
  /** A regular expression the run's whole branch name must match; empty: any branch. */
  branch?: string;
  /** One conclusion, a comma-separated list, or `*`; empty: `success`. The backend also takes a JSON array. */
  conclusion?: string | string[];
  /** Report the started pipeline as a check run on the run's commit (docs/triggers.md). */
  checkRun?: boolean;
}

/** A `githubDeployment` trigger as pipeline JSON saves it. */
export interface GithubDeploymentTrigger extends ITrigger {
  repository?: string;
  /** A regular expression the whole environment name must match; empty: any environment. */
  environment?: string;
  /** A regular expression the deployment's whole ref must match; empty: any ref. */
  ref?: string;
  /** Report the started pipeline as a check run on the deployment's commit (docs/triggers.md). */
  checkRun?: boolean;
}

/** The GitHub event the backend adds to the trigger of an execution it starts (backend/src/triggers/triggerFacts.ts). */
interface StartedByGithub {
  repository: string;
  sha: string;
  link?: string;
  linkText?: string;
  /** The delivery's `X-GitHub-Delivery`. */
  eventId?: string;
  correlationId?: string;
  /** The whole webhook event. */
  payload?: { repository?: { html_url?: string } };
}

export interface WorkflowRunExecutionTrigger extends ITrigger, StartedByGithub {
  /** As configured: file name, path or name. */
  workflow?: string;
  workflowName?: string;
  /** `.github/workflows/deploy.yml` */
  workflowPath?: string;
  workflowRunId?: number;
  runNumber?: number;
  /** The run's branch; null for runs without one. */
  branch?: string | null;
  /** The run's conclusion. */
  conclusion?: string | null;
}

export interface DeploymentExecutionTrigger extends ITrigger, StartedByGithub {
  environment?: string;
  ref?: string;
  deploymentId?: number;
}

/** What Deck's trigger form (core `Trigger.tsx`) passes a trigger type's `component`, among other props. */
export interface TriggerConfigProps<T extends ITrigger> {
  formik: FormikProps<T>;
}
