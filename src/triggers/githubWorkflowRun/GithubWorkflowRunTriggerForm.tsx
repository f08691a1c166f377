import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useWorkflows } from '../../api/queries';
import type { WorkflowDto } from '../../api/types';
import { CreatableSelectInput } from '../../components/CreatableSelectInput';
import { isRepositoryOutOfReach, loadErrorMessage } from '../../stages/githubWorkflow/loadError';
import { text } from '../matchPreview';
import { PatternField } from '../PatternField';
import { RepositoryPicker } from '../../components/RepositoryPicker';
import { REPOSITORY_HELP } from '../RepositoryHelp';
import type { GithubWorkflowRunTrigger } from '../types';
import { ConclusionInput } from './ConclusionInput';
import { WorkflowRunPreview } from './WorkflowRunPreview';
import { CheckRunField } from '../../components/CheckRunField';

const WORKFLOW_HELP =
  'The workflow whose completed runs start this pipeline: its file name (<code>deploy.yml</code>, what the list ' +
  'saves), its path (<code>.github/workflows/deploy.yml</code>) or its name, exactly as GitHub has them.';

const CONCLUSION_HELP =
  'The conclusions that start this pipeline. Empty: <code>success</code> only. <em>any conclusion</em> saves ' +
  '<code>*</code>; several are saved as a comma-separated list.';

function workflowLabel({ name, fileName, state }: WorkflowDto): string {
  const label = name === fileName ? fileName : `${name} (${fileName})`;
  return state === 'active' ? label : `${label}, ${state.replace(/_/g, ' ')}`;
}

export function GithubWorkflowRunTriggerForm({ formik }: { formik: FormikProps<GithubWorkflowRunTrigger> }) {
  const { repository } = formik.values;
  const workflows = useWorkflows(text(repository));

  const workflowMessage = isRepositoryOutOfReach(workflows.error)
    ? undefined
    : loadErrorMessage(`Failed to load the workflows of ${repository}`, workflows.error);
  const options = (workflows.data ?? []).map((w) => ({ label: workflowLabel(w), value: w.fileName }));

  const clearWorkflow = (value: string, previous: string) => {
    // The workflow belonged to the old repository.
    if (previous && value !== previous) formik.setFieldValue('workflow', undefined);
  };

  return (
    <>
      <RepositoryPicker help={REPOSITORY_HELP} lookupErrors={[workflows.error]} onChange={clearWorkflow} />
      <FormikFormField
        name="workflow"
        label="Workflow"
        help={<HelpField content={WORKFLOW_HELP} />}
        validationMessage={workflowMessage ? errorMessage(workflowMessage) : undefined}
        touched={workflowMessage ? true : undefined}
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
      <PatternField
        name="branch"
        label="Branch"
        subject="the run's branch"
        placeholder="Any branch"
        example="main|release/.*"
      />
      <FormikFormField
        name="conclusion"
        label="Conclusion"
        help={<HelpField content={CONCLUSION_HELP} />}
        input={(props: IFormInputProps) => <ConclusionInput {...props} />}
      />
      <CheckRunField commit="the run's commit" />
      <WorkflowRunPreview trigger={formik.values} />
    </>
  );
}
