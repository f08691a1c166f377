import type { IStageTypeConfig } from '@spinnaker/core';
import { ExecutionDetailsTasks } from '@spinnaker/core';

import { GithubWorkflowStageConfig } from './GithubWorkflowStageConfig';
import { validate } from './validators';

export const githubWorkflowStage: IStageTypeConfig = {
  key: 'githubWorkflow',
  label: 'GitHub Workflow',
  description: 'Runs a GitHub Actions workflow and finishes with its result',
  component: GithubWorkflowStageConfig,
  executionDetailsSections: [ExecutionDetailsTasks],
  validateFn: validate,
};
