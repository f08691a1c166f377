import type { IStageTypeConfig } from '@spinnaker/core';
import { ExecutionDetailsTasks } from '@spinnaker/core';

import { GithubRunLogsSection } from '../../logs';
import { GithubWorkflowExecutionDetails } from './GithubWorkflowExecutionDetails';
import { GithubWorkflowStageConfig } from './GithubWorkflowStageConfig';
import { STAGE_DEFAULTS } from './stageDefaults';
import { createStageValidators } from './validators';

export const GITHUB_WORKFLOW_STAGE_KEY = 'githubWorkflow';

export const githubWorkflowStage: IStageTypeConfig = {
  key: GITHUB_WORKFLOW_STAGE_KEY,
  label: 'GitHub Workflow',
  description: 'Runs a GitHub Actions workflow and finishes with its result',
  // Orca runs the stage as its preconfigured webhook of type githubWorkflow. It finds the stage's builder by `type`,
  // then by the `alias` that Deck writes into the stage (orca DefaultStageDefinitionBuilderFactory.builderFor), as
  // Deck's own registration of a preconfigured webhook does (webhookStage.ts).
  alias: 'preconfiguredWebhook',
  addAliasToConfig: true,
  // As Deck's registration of a preconfigured webhook (webhookStage.ts), which claimStageType replaces: the stage
  // summary offers Restart only with `restartable`, and the editor shows the timeout override only with
  // `supportsCustomTimeout`. A restart has a new stage start time, so the backend dispatches anew (docs/stage.md).
  restartable: true,
  supportsCustomTimeout: true,
  defaults: STAGE_DEFAULTS,
  component: GithubWorkflowStageConfig,
  executionDetailsSections: [GithubWorkflowExecutionDetails, GithubRunLogsSection, ExecutionDetailsTasks],
  validators: createStageValidators(),
};
