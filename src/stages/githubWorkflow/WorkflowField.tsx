import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useWorkflowInputs, useWorkflows } from '../../api/queries';
import type { WorkflowDto } from '../../api/types';
import { CreatableSelectInput } from '../../components/CreatableSelectInput';
import { isRepositoryOutOfReach, loadErrorMessage } from './loadError';
import type { GithubWorkflowStage } from './types';

const HELP =
  'The workflow file name (<code>deploy.yml</code>) or numeric id. It must have a <code>workflow_dispatch</code> ' +
  'trigger at the chosen ref. SpEL is allowed.';

function workflowLabel({ name, fileName, state }: WorkflowDto): string {
  const label = name === fileName ? fileName : `${name} (${fileName})`;
  return state === 'active' ? label : `${label}, ${state.replace(/_/g, ' ')}`;
}

export function WorkflowField({ formik }: { formik: FormikProps<GithubWorkflowStage> }) {
  const { repository, workflow, ref } = formik.values;
  const workflows = useWorkflows(repository);
  const inputs = useWorkflowInputs({ repository, workflow, ref });

  const atRef = ref || 'the default branch';
  // The Repository field already says when the App cannot see the repository.
  const message = isRepositoryOutOfReach(workflows.error)
    ? undefined
    : (loadErrorMessage(`Failed to load the workflows of ${repository}`, workflows.error) ??
      loadErrorMessage(`Failed to read the inputs of ${workflow} at ${atRef}`, inputs.error) ??
      (inputs.data && !inputs.data.dispatchable
        ? `${inputs.data.path} has no workflow_dispatch trigger at ${inputs.data.ref}, so it cannot be dispatched.`
        : undefined));
  const options = (workflows.data ?? []).map((w) => ({ label: workflowLabel(w), value: w.fileName }));

  return (
    <FormikFormField
      name="workflow"
      label="Workflow"
      help={<HelpField content={HELP} />}
      validationMessage={message ? errorMessage(message) : undefined}
      touched={message ? true : undefined}
      input={(props: IFormInputProps) => (
        <CreatableSelectInput
          {...props}
          ariaLabel="Workflow"
          options={options}
          isLoading={workflows.isInitialLoading}
          placeholder="Choose a workflow, or type its file name"
        />
      )}
    />
  );
}
