import type { ITriggerTypeConfig } from '@spinnaker/core';

import type { GithubWorkflowRunTrigger } from '../types';
import { WORKFLOW_RUN_TRIGGER_KEY } from '../types';
import { WorkflowRunManualExecution } from '../manualExecution/WorkflowRunManualExecution';
import { createTriggerValidators, workflowRunTriggerErrors } from '../validators';
import { GithubWorkflowRunExecutionStatus } from './GithubWorkflowRunExecutionStatus';
import { GithubWorkflowRunTriggerConfig } from './GithubWorkflowRunTriggerConfig';

export const githubWorkflowRunTrigger: ITriggerTypeConfig = {
  key: WORKFLOW_RUN_TRIGGER_KEY,
  label: 'GitHub workflow finished',
  description: 'Executes the pipeline when a GitHub Actions workflow run completes',
  component: GithubWorkflowRunTriggerConfig,
  // Deck's trigger form validates with validateFn (messages under the fields); pipeline validation with validators.
  validateFn: (values) => workflowRunTriggerErrors(values as GithubWorkflowRunTrigger),
  validators: createTriggerValidators<GithubWorkflowRunTrigger>('GitHub workflow finished', workflowRunTriggerErrors, [
    'repository',
    'workflow',
    'branch',
    'conclusion',
  ]),
  executionTriggerLabel: () => 'GitHub workflow',
  manualExecutionComponent: WorkflowRunManualExecution as ITriggerTypeConfig['manualExecutionComponent'],
  executionStatusComponent: GithubWorkflowRunExecutionStatus,
};
