import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useBranches, useRepositories, useWorkflows } from '../../api/queries';
import { CreatableSelectInput } from '../../components/CreatableSelectInput';
import { isRepositoryNotFound, loadErrorMessage } from './loadError';
import type { GithubWorkflowStage } from './types';

const HELP =
  'The repository as <code>owner/repo</code>. The list holds the repositories the GitHub App is installed on; ' +
  'type any other name, or a SpEL expression such as <code>${trigger.parameters.repository}</code>.';

export function RepositoryField({ formik }: { formik: FormikProps<GithubWorkflowStage> }) {
  const { repository, dispatchType } = formik.values;
  const repositories = useRepositories();
  // The same lookups as the workflow and ref fields (react-query shares them): a 404 means the App cannot see the repo.
  const workflows = useWorkflows(repository);
  const branches = useBranches(dispatchType === 'repository_dispatch' ? undefined : repository);

  const notFound = [workflows.error, branches.error].find(isRepositoryNotFound);
  const message =
    notFound?.message ?? loadErrorMessage('Failed to load the repositories the GitHub App can see', repositories.error);
  const options = (repositories.data ?? []).map((repo) => ({ label: repo.fullName, value: repo.fullName }));

  const clearRepositoryChoices = (value: string, previous: string) => {
    // When the repository changes, clear the choices that belonged to the old one.
    if (previous && value !== previous) {
      formik.setFieldValue('workflow', undefined);
      formik.setFieldValue('ref', undefined);
    }
  };

  return (
    <FormikFormField
      name="repository"
      label="Repository"
      help={<HelpField content={HELP} />}
      validationMessage={message ? errorMessage(message) : undefined}
      touched={message ? true : undefined}
      onChange={clearRepositoryChoices}
      input={(props: IFormInputProps) => (
        <CreatableSelectInput
          {...props}
          ariaLabel="Repository"
          options={options}
          isLoading={repositories.isInitialLoading}
          placeholder="owner/repo"
        />
      )}
    />
  );
}
