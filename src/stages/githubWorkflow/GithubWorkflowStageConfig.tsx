import type { IStage, IStageConfigProps } from '@spinnaker/core';
import { FormikStageConfig, withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import type { FormikProps } from 'formik';
import React from 'react';

import { queryClient } from '../../queryClient';
import { GithubWorkflowStageForm } from './GithubWorkflowStageForm';
import { STAGE_DEFAULTS } from './stageDefaults';
import type { GithubWorkflowStage } from './types';
import { createFormValidator } from './validators';

/** The editor without its providers; tests render it inside their own QueryClientProvider. */
export function GithubWorkflowStageEditor({ application, pipeline, stage, updateStage }: IStageConfigProps) {
  const client = useQueryClient();
  const validate = React.useMemo(() => createFormValidator(client), [client]);
  const [initialValues] = React.useState(() => ({ ...STAGE_DEFAULTS, ...stage }));

  const onChange = (values: IStage, previous: IStage) => {
    // Formik drops a field set to undefined, and Deck's updateStage only copies the fields it is given: name the
    // dropped ones so they leave Deck's stage too.
    const dropped = Object.keys(previous ?? {}).filter((key) => !(key in values));
    updateStage({ ...Object.fromEntries(dropped.map((key) => [key, undefined])), ...values });
  };

  return (
    <FormikStageConfig
      application={application}
      pipeline={pipeline}
      stage={initialValues}
      validate={validate}
      onChange={onChange as (values: IStage) => void}
      render={({ formik }) => (
        <GithubWorkflowStageForm formik={formik as unknown as FormikProps<GithubWorkflowStage>} />
      )}
    />
  );
}

function GithubWorkflowStageConfigWithProviders(props: IStageConfigProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <GithubWorkflowStageEditor {...props} />
    </QueryClientProvider>
  );
}

export const GithubWorkflowStageConfig = withErrorBoundary(GithubWorkflowStageConfigWithProviders, 'githubWorkflow');
