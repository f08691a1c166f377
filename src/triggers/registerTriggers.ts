import type { PipelineRegistry } from '@spinnaker/core';
import { SETTINGS } from '@spinnaker/core';

import { githubDeploymentTrigger } from './githubDeployment/githubDeploymentTrigger';
import { githubWorkflowRunTrigger } from './githubWorkflowRun/githubWorkflowRunTrigger';

export const GITHUB_TRIGGERS = [githubWorkflowRunTrigger, githubDeploymentTrigger];

/** Deck's settings as this module reads them: `hiddenTriggerTypes` is the plugin's own (docs/triggers.md). */
interface TriggerSettings {
  triggerTypes?: string[];
  hiddenTriggerTypes?: string[];
}

/**
 * Registers both trigger types once: PipelineRegistry.registerTrigger appends without checking, and Deck may call
 * the plugin's initialize more than once.
 *
 * registerTrigger drops a type that a `SETTINGS.triggerTypes` list does not name, and Deck's stock settings.js sets
 * that list to Deck's own types. Installing the plugin is meant to be enough, so each type is added to the list
 * first, unless the operator names it in `SETTINGS.hiddenTriggerTypes`.
 */
export function registerTriggers(registry: PipelineRegistry, settings: TriggerSettings = SETTINGS): void {
  const hidden = settings.hiddenTriggerTypes ?? [];
  for (const trigger of GITHUB_TRIGGERS) {
    if (hidden.includes(trigger.key)) continue;
    const allowed = settings.triggerTypes;
    if (Array.isArray(allowed) && !allowed.includes(trigger.key)) allowed.push(trigger.key);
    if (!registry.getTriggerConfig(trigger.key)) registry.registerTrigger(trigger);
  }
}
