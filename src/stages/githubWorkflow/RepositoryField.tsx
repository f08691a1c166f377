import type { FormikProps } from 'formik';
import React from 'react';

import { useBranches, useWorkflows } from '../../api/queries';
import { RepositoryPicker } from '../../components/RepositoryPicker';
import type { GithubWorkflowStage } from './types';

const HELP =
  'The repository as <code>owner/repo</code>. The list holds the repositories the GitHub App is installed on; ' +
  'type any other name, or a SpEL expression such as <code>${trigger.parameters.repository}</code>.';

export function RepositoryField({ formik }: { formik: FormikProps<GithubWorkflowStage> }) {
  const { repository, dispatchType } = formik.values;
  // The same lookups as the workflow and ref fields (react-query shares them): a 404 means the App cannot see the repo.
  const workflows = useWorkflows(repository);
  const branches = useBranches(dispatchType === 'repository_dispatch' ? undefined : repository);

  const clearRepositoryChoices = (value: string, previous: string) => {
    // When the repository changes, clear the choices that belonged to the old one.
    if (previous && value !== previous) {
      formik.setFieldValue('workflow', undefined);
      formik.setFieldValue('ref', undefined);
    }
  };

  return (
    <RepositoryPicker help={HELP} lookupErrors={[workflows.error, branches.error]} onChange={clearRepositoryChoices} />
  );
}
