import type { IContextualValidator, IPipeline, IStage, IValidatorConfig } from '@spinnaker/core';
import { FormValidator, SpelService } from '@spinnaker/core';
import type { QueryClient } from '@tanstack/react-query';
import type { FormikErrors } from 'formik';

import { COMMIT_SHA, SHA_REF_PROBLEM } from '../../../backend/src/dispatchRef';
import { parseRepository } from '../../api/lookup';
import { workflowInputsQuery } from '../../api/queries';
import type { WorkflowInputDto, WorkflowInputsDto } from '../../api/types';
import { queryClient } from '../../queryClient';
import { isEmptyInput, isNumberText, MAX_CLIENT_PAYLOAD_PROPERTIES, staleInputNames, userInputs } from './inputs';
import type { GithubWorkflowStage, InputValue } from './types';

export type StageErrors = FormikErrors<GithubWorkflowStage>;

function clientPayloadError(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') {
    if (SpelService.includesSpel(payload)) return undefined;
    try {
      JSON.parse(payload);
    } catch (error) {
      return `Client payload is not valid JSON: ${(error as Error).message}`;
    }
  }
  // A string that parses is a JSON scalar or array; so is anything else that is not a plain object.
  if (typeof payload !== 'object' || Array.isArray(payload)) return 'Client payload must be a JSON object.';
  return Object.keys(payload).length > MAX_CLIENT_PAYLOAD_PROPERTIES
    ? `Client payload may have at most ${MAX_CLIENT_PAYLOAD_PROPERTIES} top-level properties (GitHub allows 10 and the stage adds one): nest some of them.`
    : undefined;
}

/** What GitHub refuses in a declared input's value (SpEL is left for Orca to evaluate). */
function inputValueError(input: WorkflowInputDto, value: InputValue | undefined): string | undefined {
  if (isEmptyInput(value) || (typeof value === 'string' && SpelService.includesSpel(value))) return undefined;
  if (input.type === 'number' && !isNumberText(value!)) {
    return `Input ${input.name} must be a number, e.g. 3 or 2.5: GitHub refuses to dispatch the workflow with ${JSON.stringify(value)}.`;
  }
  if (input.type === 'choice' && input.options && !input.options.includes(String(value))) {
    return `Input ${input.name} must be one of ${input.options.join(', ')}: GitHub refuses any other value.`;
  }
  return undefined;
}

/**
 * Everything wrong with the stage, as Formik errors keyed by field. `declared` is the workflow's inputs at the stage's
 * ref when they are known; without them, required inputs and dispatchability are not checked.
 */
export function stageErrors(stage: GithubWorkflowStage, declared?: WorkflowInputsDto): StageErrors {
  const validator = new FormValidator(stage).spelAware();
  validator
    .field('repository', 'Repository')
    .required()
    .withValidators((value: string) =>
      parseRepository(value) ? undefined : 'Repository must be written owner/repo, e.g. octo-org/app.',
    );
  if (stage.dispatchType === 'repository_dispatch') {
    validator.field('eventType', 'Event type').required();
    validator
      .field('clientPayload', 'Client payload')
      .spelAware(false)
      .withValidators((value: unknown) => clientPayloadError(value));
  } else {
    validator
      .field('workflow', 'Workflow')
      .required()
      .withValidators(() =>
        declared && !declared.dispatchable
          ? `${declared.path} has no workflow_dispatch trigger at ${declared.ref}, so it cannot be dispatched.`
          : undefined,
      );
    validator
      .field('ref', 'Ref')
      .withValidators((value: string | undefined) =>
        value && COMMIT_SHA.test(value) ? `Ref ${SHA_REF_PROBLEM}.` : undefined,
      );
    for (const input of userInputs(declared?.inputs ?? [])) {
      const value = stage.inputs?.[input.name];
      if (input.required && isEmptyInput(value)) {
        const message = `Input ${input.name} is required.`;
        validator
          .field(`inputs.${input.name}`)
          .required(message)
          .withValidators(() => message); // also when it holds only spaces
        continue;
      }
      const message = inputValueError(input, value);
      if (message) validator.field(`inputs.${input.name}`).withValidators(() => message);
    }
  }
  if (stage.propertyArtifact && !stage.propertyFile) {
    validator
      .field('propertyFile', 'Results file')
      .required('Name the results file in the artifact, e.g. outputs.json.');
  }
  validator.field('propertyFile', 'Results file').withValidators((value: string | undefined) => {
    if (!value) return undefined;
    if (!stage.propertyArtifact) return 'Name the artifact that holds the results file.';
    return /\.(json|ya?ml|properties)$/i.test(value)
      ? undefined
      : 'The results file must end in .json, .yml, .yaml or .properties: the backend reads its format from the extension.';
  });
  return validator.validateForm();
}

/** Inputs the stage sets that the workflow does not declare: GitHub refuses such a dispatch. Not blocking. */
export function staleInputsWarning(stage: GithubWorkflowStage, declared?: WorkflowInputsDto): string | undefined {
  if (!declared || stage.dispatchType === 'repository_dispatch') return undefined;
  const stale = staleInputNames(declared.inputs, stage.inputs);
  return stale.length
    ? `${declared.path} at ${declared.ref} no longer declares the input(s) ${stale.join(', ')}; GitHub refuses to dispatch a workflow with undeclared inputs.`
    : undefined;
}

function cachedInputs(client: QueryClient, stage: GithubWorkflowStage): WorkflowInputsDto | undefined {
  const query = workflowInputsQuery(stage);
  return query.enabled && stage.dispatchType !== 'repository_dispatch'
    ? client.getQueryData<WorkflowInputsDto>(query.queryKey!)
    : undefined;
}

/** The editor's Formik validator: it checks inputs against what the editor last loaded (the query cache). */
export function createFormValidator(client: QueryClient): IContextualValidator {
  return (values) => {
    const stage = values as GithubWorkflowStage;
    return stageErrors(stage, cachedInputs(client, stage)) as FormikErrors<IStage>;
  };
}

/**
 * The declared inputs for Deck's pipeline validation: from the cache, or read once when the editor has not loaded
 * them (e.g. after Edit as JSON). A failed read skips the input checks rather than blocking on an unreachable backend.
 */
async function declaredInputs(client: QueryClient, stage: GithubWorkflowStage) {
  const query = workflowInputsQuery(stage);
  if (!query.enabled || stage.dispatchType === 'repository_dispatch') return undefined;
  try {
    return await client.ensureQueryData({ queryKey: query.queryKey!, queryFn: query.queryFn! });
  } catch {
    return undefined;
  }
}

const messagesOf = (errors: unknown): string[] =>
  typeof errors === 'string' ? [errors] : Object.values(errors ?? {}).flatMap(messagesOf);

const BLOCKING_FIELDS: Array<keyof GithubWorkflowStage> = [
  'repository',
  'workflow',
  'ref',
  'eventType',
  'inputs',
  'clientPayload',
];

/**
 * Deck's pipeline validation (PipelineConfigValidator.validatePipeline): only `validators` with `preventSave` stop
 * the Save button; messages from a stage config's `validateFn` are warnings. One custom validator per field keeps
 * the messages apart.
 */
export function createStageValidators(client: QueryClient = queryClient): IValidatorConfig[] {
  const blocking = BLOCKING_FIELDS.map((field) => ({
    type: 'custom',
    preventSave: true,
    validate: async (_pipeline: IPipeline, stage: IStage) => {
      const errors = stageErrors(
        stage as GithubWorkflowStage,
        await declaredInputs(client, stage as GithubWorkflowStage),
      );
      return messagesOf(errors[field]).join(' ') || null;
    },
  }));
  const warning = {
    type: 'custom',
    validate: async (_pipeline: IPipeline, stage: IStage) =>
      staleInputsWarning(stage as GithubWorkflowStage, await declaredInputs(client, stage as GithubWorkflowStage)) ??
      null,
  };
  return [...blocking, warning];
}
