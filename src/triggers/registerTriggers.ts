import type { PipelineRegistry } from '@spinnaker/core';

import { githubDeploymentTrigger } from './githubDeployment/githubDeploymentTrigger';
import { githubWorkflowRunTrigger } from './githubWorkflowRun/githubWorkflowRunTrigger';

export const GITHUB_TRIGGERS = [githubWorkflowRunTrigger, githubDeploymentTrigger];

/**
 * Registers both trigger types once: PipelineRegistry.registerTrigger appends without checking, and Deck may call
 * the plugin's initialize more than once. SETTINGS.triggerTypes, when set, must list them (registerTrigger).
 */
export function registerTriggers(registry: PipelineRegistry): void {
  for (const trigger of GITHUB_TRIGGERS) {
    if (!registry.getTriggerConfig(trigger.key)) registry.registerTrigger(trigger);
  }
}
