import { withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { queryClient } from '../../queryClient';
import type { GithubWorkflowRunTrigger, TriggerConfigProps } from '../types';
import { GithubWorkflowRunTriggerForm } from './GithubWorkflowRunTriggerForm';

function GithubWorkflowRunTriggerConfigWithProviders({ formik }: TriggerConfigProps<GithubWorkflowRunTrigger>) {
  return (
    <QueryClientProvider client={queryClient}>
      <GithubWorkflowRunTriggerForm formik={formik} />
    </QueryClientProvider>
  );
}

export const GithubWorkflowRunTriggerConfig = withErrorBoundary(
  GithubWorkflowRunTriggerConfigWithProviders,
  'githubWorkflowRunTrigger',
);
