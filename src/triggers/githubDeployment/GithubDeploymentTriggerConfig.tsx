import { withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { queryClient } from '../../queryClient';
import type { GithubDeploymentTrigger, TriggerConfigProps } from '../types';
import { GithubDeploymentTriggerForm } from './GithubDeploymentTriggerForm';

function GithubDeploymentTriggerConfigWithProviders({ formik }: TriggerConfigProps<GithubDeploymentTrigger>) {
  return (
    <QueryClientProvider client={queryClient}>
      <GithubDeploymentTriggerForm formik={formik} />
    </QueryClientProvider>
  );
}

export const GithubDeploymentTriggerConfig = withErrorBoundary(
  GithubDeploymentTriggerConfigWithProviders,
  'githubDeploymentTrigger',
);
