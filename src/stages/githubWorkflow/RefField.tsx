import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useBranches, useRepositories } from '../../api/queries';
import { CreatableSelectInput } from '../../components/CreatableSelectInput';
import { isRepositoryOutOfReach, loadErrorMessage } from './loadError';
import type { GithubWorkflowStage } from './types';

const HELP =
  'The branch or tag to run the workflow on. GitHub does not dispatch to a commit sha: to run a given commit, pass it ' +
  "as an input that the workflow checks out. Leave it empty for the repository's default branch. " +
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
      // Show a commit sha at once (validators.ts): it blocks saving the pipeline.
      touched={true}
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
