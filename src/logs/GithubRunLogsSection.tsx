import type { IExecutionDetailsSectionProps } from '@spinnaker/core';
import { ExecutionDetailsSection, withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { queryClient } from '../queryClient';
import { runFromContext } from '../stages/githubWorkflow/runFromContext';
import { RunLogs } from './RunLogs';

function GithubRunLogs(props: IExecutionDetailsSectionProps) {
  const run = runFromContext(props.stage);
  return (
    <ExecutionDetailsSection name={props.name} current={props.current}>
      <QueryClientProvider client={queryClient}>
        {run ? (
          <RunLogs owner={run.owner} repo={run.repo} runId={run.runId} />
        ) : (
          <p>Logs appear here once the stage has started its GitHub workflow run.</p>
        )}
      </QueryClientProvider>
    </ExecutionDetailsSection>
  );
}

/**
 * The "Logs" section of the GitHub Workflow stage's execution details: the run's jobs, steps and logs. Deck uses
 * `title` as the section's key in the URL and shows it in words.
 */
export const GithubRunLogsSection = Object.assign(withErrorBoundary(GithubRunLogs, 'githubLogs'), {
  title: 'logs',
});
