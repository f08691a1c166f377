import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import React from 'react';

import { useRepositories } from '../api/queries';
import type { ResponseError } from '../api/ResponseError';
import { CreatableSelectInput } from '../components/CreatableSelectInput';
import { isRepositoryNotFound, loadErrorMessage } from '../stages/githubWorkflow/loadError';

const HELP =
  'The repository as <code>owner/repo</code>, compared without regard to case. The list holds the repositories the ' +
  'GitHub App is installed on; the App must be installed on this one for its events to reach Spinnaker.';

export interface RepositoryFieldProps {
  /** Lookups of the chosen repository; a 404 from any of them means the App cannot see it. */
  lookupErrors?: Array<ResponseError | null | undefined>;
  onChange?: (value: string, previous: string) => void;
}

export function RepositoryField({ lookupErrors = [], onChange }: RepositoryFieldProps) {
  const repositories = useRepositories();
  const notFound = lookupErrors.find(isRepositoryNotFound);
  const message =
    notFound?.message ?? loadErrorMessage('Failed to load the repositories the GitHub App can see', repositories.error);
  const options = (repositories.data ?? []).map((repo) => ({ label: repo.fullName, value: repo.fullName }));

  return (
    <FormikFormField
      name="repository"
      label="Repository"
      help={<HelpField content={HELP} />}
      validationMessage={message ? errorMessage(message) : undefined}
      touched={message ? true : undefined}
      onChange={onChange}
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
