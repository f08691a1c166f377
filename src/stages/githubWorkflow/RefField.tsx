import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useBranches, useRepositories } from '../../api/queries';
import { CreatableSelectInput } from '../../components/CreatableSelectInput';
import { isRepositoryOutOfReach, loadErrorMessage } from './loadError';
import type { GithubWorkflowStage } from './types';

const HELP =
  "The branch, tag or commit sha to run the workflow on. Leave it empty for the repository's default branch. " +
  'SpEL is allowed, e.g. <code>${trigger.branch}</code>.';

export function RefField({ formik }: { formik: FormikProps<GithubWorkflowStage> }) {
  const { repository } = formik.values;
  const branches = useBranches(repository);
  const repositories = useRepositories();

  const defaultBranch = repositories.data?.find((repo) => repo.fullName === repository)?.defaultBranch;
  const message = isRepositoryOutOfReach(branches.error)
    ? undefined
    : loadErrorMessage(`Failed to load the branches of ${repository}`, branches.error);
  const options = (branches.data ?? []).map((branch) => ({ label: branch.name, value: branch.name }));

  return (
    <FormikFormField
      name="ref"
      label="Ref"
      help={<HelpField content={HELP} />}
      validationMessage={message ? errorMessage(message) : undefined}
      touched={message ? true : undefined}
      input={(props: IFormInputProps) => (
        <CreatableSelectInput
          {...props}
          ariaLabel="Ref"
          options={options}
          isLoading={branches.isInitialLoading}
          placeholder={defaultBranch ? `Default branch (${defaultBranch})` : 'Default branch'}
          clearable={true}
        />
      )}
    />
  );
}
