import { withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { queryClient } from '../../queryClient';

function StageConfigPlaceholder() {
  return (
    <div className="form-horizontal">
      <p>The editor for the GitHub Workflow stage arrives in a later release of this plugin.</p>
      <p>
        Until then, set the stage&apos;s fields (<code>repository</code>, <code>workflow</code>, <code>ref</code>,{' '}
        <code>inputs</code>, …) with <strong>Pipeline Actions → Edit as JSON</strong>.
      </p>
    </div>
  );
}

function GithubWorkflowStageConfigWithProviders() {
  return (
    <QueryClientProvider client={queryClient}>
      <StageConfigPlaceholder />
    </QueryClientProvider>
  );
}

export const GithubWorkflowStageConfig = withErrorBoundary(GithubWorkflowStageConfigWithProviders, 'githubWorkflow');
