import type { IExecutionDetailsSectionProps, IExecutionStage } from '@spinnaker/core';
import { ExecutionDetailsSection, withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { queryClient } from '../queryClient';
import { runFromContext, webhookErrorFromContext } from '../stages/githubWorkflow/runFromContext';
import { RunLogs } from './RunLogs';

/** Why there are no logs to show, for a stage that has no run. */
function noRunMessage(stage: IExecutionStage): string {
  if (stage.isRunning || stage.status === 'NOT_STARTED') {
    return 'Logs appear here once the stage has started its GitHub workflow run.';
  }
  if (webhookErrorFromContext(stage) || stage.isFailed) {
    return 'There are no logs: the stage ended before GitHub started a workflow run. The Workflow Run section says why.';
  }
  return 'There are no logs: this stage started no GitHub workflow run.';
}

function GithubRunLogs(props: IExecutionDetailsSectionProps) {
  const run = runFromContext(props.stage);
  return (
    <ExecutionDetailsSection name={props.name} current={props.current}>
      <QueryClientProvider client={queryClient}>
        {run ? (
          // Deck shows another stage of the execution in this same section: the job the user chose belongs to one run.
          <RunLogs
            key={`${run.owner}/${run.repo}/${run.runId}`}
            owner={run.owner}
            repo={run.repo}
            runId={run.runId}
            runLive={run.status !== 'completed'}
          />
        ) : (
          <p>{noRunMessage(props.stage)}</p>
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
