import type { IDeckPlugin } from '@spinnaker/core';
import { Registry } from '@spinnaker/core';

import { claimStageType } from './stages/claimStageType';
import { githubWorkflowStage } from './stages/githubWorkflow/githubWorkflowStage';
import { registerTriggers } from './triggers/registerTriggers';

export const plugin: IDeckPlugin = {
  stages: [githubWorkflowStage],
  initialize() {
    // Deck has just registered plugin.stages; Orca's preconfigured webhook of the same type may register before or
    // after (docs/deck-plugin.md, "One GitHub Workflow entry").
    claimStageType(Registry.pipeline, githubWorkflowStage);
    // IDeckPlugin has no `triggers`: trigger types are registered here.
    registerTriggers(Registry.pipeline);
  },
};
