import type { IPipeline, ITrigger, IValidatorConfig } from '@spinnaker/core';
import { FormValidator } from '@spinnaker/core';
import type { FormikErrors } from 'formik';

import { conclusionList, patternError } from './matchPreview';
import type { GithubDeploymentTrigger, GithubWorkflowRunTrigger } from './types';
import { splitRepository } from '../../backend/src/repositoryName';

/** A completed run's possible conclusions (GitHub's `workflow_run` webhook schema). */
export const CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'timed_out',
  'action_required',
  'startup_failure',
  'neutral',
  'skipped',
  'stale',
] as const;

export const ANY_CONCLUSION = '*';

function repositoryError(value: unknown): string | undefined {
  // The backend compares the text with the event's repository: SpEL is never evaluated here.
  return typeof value === 'string' && splitRepository(value.trim())
    ? undefined
    : 'Repository must be written owner/repo, e.g. octo-org/app.';
}

function regexError(label: string) {
  return (value: unknown) => {
    if (typeof value !== 'string' || !value.trim()) return undefined;
    const error = patternError(value.trim());
    return error === undefined ? undefined : `${label} is not a valid regular expression: ${error}`;
  };
}

function conclusionError(value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) return undefined;
  if (typeof value !== 'string' && !Array.isArray(value)) {
    return 'Conclusion must be a conclusion, a comma-separated list of them, or *.';
  }
  const list = conclusionList(value);
  if (!list.length)
    return 'Conclusion lists no conclusion, so the trigger would never fire; leave it empty for success.';
  const unknown = list.filter(
    (entry) => entry !== ANY_CONCLUSION && !(CONCLUSIONS as readonly string[]).includes(entry),
  );
  return unknown.length
    ? `Conclusion ${unknown.join(', ')} is not one GitHub reports: use ${CONCLUSIONS.join(', ')}, or * for any.`
    : undefined;
}

export function workflowRunTriggerErrors(trigger: GithubWorkflowRunTrigger): FormikErrors<GithubWorkflowRunTrigger> {
  const validator = new FormValidator(trigger);
  validator.field('repository', 'Repository').required().withValidators(repositoryError);
  validator.field('workflow', 'Workflow').required();
  validator.field('branch', 'Branch').withValidators(regexError('Branch'));
  validator.field('conclusion', 'Conclusion').withValidators(conclusionError);
  return validator.validateForm();
}

export function deploymentTriggerErrors(trigger: GithubDeploymentTrigger): FormikErrors<GithubDeploymentTrigger> {
  const validator = new FormValidator(trigger);
  validator.field('repository', 'Repository').required().withValidators(repositoryError);
  validator.field('environment', 'Environment').withValidators(regexError('Environment'));
  validator.field('ref', 'Ref').withValidators(regexError('Ref'));
  return validator.validateForm();
}

/** Names the trigger in the pipeline's messages, which Deck lists for the whole pipeline. */
function triggerName(pipeline: IPipeline, trigger: ITrigger, label: string): string {
  const index = (pipeline.triggers ?? []).indexOf(trigger);
  return index >= 0 ? `Trigger ${index + 1} (${label})` : `${label} trigger`;
}

/**
 * Deck's pipeline validation (PipelineConfigValidator.validatePipeline) runs a trigger type's `validators` and
 * disables Save when one with `preventSave` returns a message; `validateFn` would only warn. One validator per field.
 */
export function createTriggerValidators<T extends ITrigger>(
  label: string,
  errorsOf: (trigger: T) => FormikErrors<T>,
  fields: Array<keyof T & string>,
): IValidatorConfig[] {
  const blocking = fields.map((field) => ({
    type: 'custom',
    preventSave: true,
    validate: (pipeline: IPipeline, trigger: ITrigger) => {
      const message = errorsOf(trigger as T)[field];
      return typeof message === 'string' ? `${triggerName(pipeline, trigger, label)}: ${message}` : null;
    },
  }));
  // As Deck's own git and webhook triggers do: with Fiat, the saving user must have access to the Run As User.
  const serviceAccount: IValidatorConfig = {
    type: 'serviceAccountAccess',
    message: `You do not have access to the service account configured in this pipeline's ${label} trigger. You will not be able to save your edits to this pipeline.`,
    preventSave: true,
  };
  return [...blocking, serviceAccount];
}
