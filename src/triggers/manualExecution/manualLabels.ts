import { text } from '../matchPreview';
import type { GithubDeploymentTrigger, GithubWorkflowRunTrigger } from '../types';

/** Shown while the chosen event loads; the tests wait for it to go before they press Run. */
export const LOADING_EVENT = 'Loading the event GitHub delivered…';

// Deck's dialog names each trigger by this label and finds the chosen one by it again (core Triggers.tsx), so two
// triggers of a pipeline need different labels: each names everything it matches on.

export function workflowRunLabel(trigger: GithubWorkflowRunTrigger): string {
  const branch = text(trigger.branch);
  return `GitHub workflow ${text(trigger.workflow) || '(none)'} in ${text(trigger.repository) || '(none)'}${
    branch ? ` on ${branch}` : ''
  }`;
}

export function deploymentLabel(trigger: GithubDeploymentTrigger): string {
  const environment = text(trigger.environment);
  const ref = text(trigger.ref);
  return `GitHub deployment in ${text(trigger.repository) || '(none)'} to ${environment || 'any environment'}${
    ref ? ` of ${ref}` : ''
  }`;
}
