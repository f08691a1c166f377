import type { IFormInputProps } from '@spinnaker/core';
import {
  CheckboxInput,
  FormikFormField,
  HelpField,
  RadioButtonInput,
  useSaveRestoreMutuallyExclusiveFields,
} from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { RefField } from './RefField';
import { RepositoryDispatchFields } from './RepositoryDispatchFields';
import { RepositoryField } from './RepositoryField';
import { ResultsFields } from './ResultsFields';
import type { DispatchType, GithubWorkflowStage } from './types';
import { WorkflowField } from './WorkflowField';
import { WorkflowInputsField } from './WorkflowInputsField';
import { CheckRunField } from '../../components/CheckRunField';

type RadioOptions = React.ComponentProps<typeof RadioButtonInput>['options'];

// Typed loosely by core: its Option type comes from react-select 1, which ships no types.
const DISPATCH_TYPE_OPTIONS = [
  { label: 'Run a workflow (workflow_dispatch)', value: 'workflow_dispatch' },
  { label: 'Send an event (repository_dispatch)', value: 'repository_dispatch' },
] as unknown as RadioOptions;

// Switching the dispatch type puts the other type's fields aside, and back when switching again.
const FIELDS_BY_DISPATCH_TYPE: Record<DispatchType, string[]> = {
  workflow_dispatch: ['workflow', 'ref', 'inputs'],
  repository_dispatch: ['eventType', 'clientPayload'],
};

const WAIT_HELP =
  "On: the stage ends with the run's conclusion (success: the stage succeeds; cancelled: it is canceled; " +
  'any other conclusion: it fails). Off: the stage ends as soon as the run is found.';

export function GithubWorkflowStageForm({ formik }: { formik: FormikProps<GithubWorkflowStage> }) {
  const dispatchType = formik.values.dispatchType ?? 'workflow_dispatch';
  useSaveRestoreMutuallyExclusiveFields(formik, dispatchType, FIELDS_BY_DISPATCH_TYPE);

  return (
    <div className="form-horizontal">
      <RepositoryField formik={formik} />
      <FormikFormField
        name="dispatchType"
        label="Dispatch"
        input={(props: IFormInputProps) => <RadioButtonInput {...props} options={DISPATCH_TYPE_OPTIONS} />}
      />
      {dispatchType === 'workflow_dispatch' ? (
        <>
          <WorkflowField formik={formik} />
          <RefField formik={formik} />
          <WorkflowInputsField formik={formik} />
        </>
      ) : (
        <RepositoryDispatchFields formik={formik} />
      )}
      <FormikFormField
        name="waitForCompletion"
        label="Wait for completion"
        help={<HelpField content={WAIT_HELP} />}
        input={(props: IFormInputProps) => <CheckboxInput {...props} text="Finish with the run's result" />}
      />
      <CheckRunField commit="the run's commit" />
      <ResultsFields />
    </div>
  );
}
