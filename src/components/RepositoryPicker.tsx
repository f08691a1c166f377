import type { IFormInputProps } from '@spinnaker/core';
import { errorMessage, FormikFormField, HelpField } from '@spinnaker/core';
import React from 'react';

import { useRepositories } from '../api/queries';
import type { ResponseError } from '../api/ResponseError';
import { isRepositoryOutOfReach, loadErrorMessage } from '../stages/githubWorkflow/loadError';
import { CreatableSelectInput } from './CreatableSelectInput';

export interface RepositoryPickerProps {
  /** HelpField content: how the stage or trigger uses the repository. */
  help: string;
  /** Lookups of the chosen repository; a 404 or 403 from any of them means it is out of reach (loadError.ts). */
  lookupErrors?: Array<ResponseError | null | undefined>;
  onChange?: (value: string, previous: string) => void;
}

/** The `repository` field of a stage or trigger: the repositories the GitHub App can see, free text allowed. */
export function RepositoryPicker({ help, lookupErrors = [], onChange }: RepositoryPickerProps) {
  const repositories = useRepositories();
  const notFound = lookupErrors.find(isRepositoryOutOfReach);
  const message =
    notFound?.message ?? loadErrorMessage('Failed to load the repositories the GitHub App can see', repositories.error);
  const options = (repositories.data ?? []).map((repo) => ({ label: repo.fullName, value: repo.fullName }));

  return (
    <FormikFormField
      name="repository"
      label="Repository"
      help={<HelpField content={help} />}
      validationMessage={message ? errorMessage(message) : undefined}
      touched={message ? true : undefined}
      onChange={onChange}
      input={(props: IFormInputProps) => (
        <CreatableSelectInput
          {...props}
          ariaLabel="Repository"
          options={options}
          isLoading={repositories.isInitialLoading}
          placeholder="Choose a repository, or type owner/repo"
        />
      )}
    />
  );
}
