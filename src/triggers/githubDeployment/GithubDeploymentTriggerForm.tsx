import type { FormikProps } from 'formik';
import React from 'react';

import { useDeployments } from '../../api/queries';
import { text } from '../matchPreview';
import { PatternField } from '../PatternField';
import { CheckRunField } from '../../components/CheckRunField';
import { RepositoryPicker } from '../../components/RepositoryPicker';
import { REPOSITORY_HELP } from '../RepositoryHelp';
import type { GithubDeploymentTrigger } from '../types';
import { DeploymentPreview } from './DeploymentPreview';

export function GithubDeploymentTriggerForm({ formik }: { formik: FormikProps<GithubDeploymentTrigger> }) {
  // The preview's lookup, shared through react-query: a 404 means the App cannot see the repository.
  const deployments = useDeployments(text(formik.values.repository));
  return (
    <>
      <RepositoryPicker help={REPOSITORY_HELP} lookupErrors={[deployments.error]} />
      <PatternField
        name="environment"
        label="Environment"
        subject="the deployment's environment"
        placeholder="Any environment"
        example="production|staging-.*"
      />
      <PatternField
        name="ref"
        label="Ref"
        subject="the branch, tag or sha the deployment was created for"
        placeholder="Any ref"
        example="main|v[0-9]+\.[0-9]+\.[0-9]+"
      />
      <CheckRunField commit="the deployment's commit" />
      <DeploymentPreview trigger={formik.values} />
    </>
  );
}
