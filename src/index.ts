import type { IDeckPlugin } from '@spinnaker/core';

import { githubWorkflowStage } from './stages/githubWorkflow/githubWorkflowStage';

export const plugin: IDeckPlugin = {
  stages: [githubWorkflowStage],
  initialize() {},
};
