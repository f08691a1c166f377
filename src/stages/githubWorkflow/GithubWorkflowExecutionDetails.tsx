import type { IExecutionDetailsSectionProps, IExecutionStage } from '@spinnaker/core';
import { ExecutionDetailsSection, Spinner, StageFailureMessage, withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { useJobs, useRun } from '../../api/queries';
import { queryClient } from '../../queryClient';
import { ArtifactsView } from './ArtifactsView';
import { JobsView } from './JobsView';
import { progressFromContext, runFromContext, webhookErrorFromContext } from './runFromContext';
import { RunSummaryView } from './RunSummaryView';

function ErrorLine({ children }: { children: React.ReactNode }) {
  return (
    <div className="alert alert-danger" role="alert">
      {children}
    </div>
  );
}

/**
 * The run a githubWorkflow stage started, read live from the backend until GitHub reports it completed (the stage
 * context alone when the backend cannot be read).
 */
export function GithubWorkflowRun({ stage }: { stage: IExecutionStage }) {
  const stageRun = runFromContext(stage);
  const lookup = stageRun ?? {};
  const run = useRun(lookup, { live: true });
  const liveJobs = (run.data?.status ?? stageRun?.status) !== 'completed';
  const jobs = useJobs(lookup, { live: liveJobs });
  const webhookError = webhookErrorFromContext(stage);

  if (!stageRun) {
    if (webhookError && stage.isRunning) {
      // Orca retries a 5xx or 429 answer every 10 s for 5 minutes; the backend's answer is its last word so far.
      return (
        <div className="alert alert-info" role="status">
          Still waiting for the workflow run; Orca asks the backend again every 10 seconds for up to 5 minutes. The
          backend&apos;s last answer: {webhookError}
        </div>
      );
    }
    return webhookError ? (
      <ErrorLine>The workflow could not be dispatched: {webhookError}</ErrorLine>
    ) : (
      <p>{stage.isRunning ? 'Dispatching the workflow and waiting for its run…' : 'This stage started no run.'}</p>
    );
  }

  const where = `run ${stageRun.runId} of ${stageRun.owner}/${stageRun.repo}`;
  return (
    <>
      <RunSummaryView stageRun={stageRun} run={run.data} progress={progressFromContext(stage)} />
      {run.error && (
        <ErrorLine>
          Failed to load {where}: {run.error.message}
        </ErrorLine>
      )}
      {webhookError && <ErrorLine>{webhookError}</ErrorLine>}
      <h5>Jobs</h5>
      {jobs.data && <JobsView jobs={jobs.data} />}
      {jobs.isInitialLoading && <Spinner size="small" />}
      {jobs.error && (
        <ErrorLine>
          Failed to load the jobs of {where}: {jobs.error.message}
        </ErrorLine>
      )}
      <ArtifactsView stage={stage} />
      {/* The jobs' logs are in the stage's Logs section (src/logs/GithubRunLogsSection.tsx). */}
    </>
  );
}

function GithubWorkflowExecutionDetailsSection(props: IExecutionDetailsSectionProps) {
  const { name, current, stage } = props;
  return (
    <ExecutionDetailsSection name={name} current={current}>
      <QueryClientProvider client={queryClient}>
        <GithubWorkflowRun stage={stage} />
      </QueryClientProvider>
      {stage.failureMessage && <StageFailureMessage stage={stage} message={stage.failureMessage} />}
    </ExecutionDetailsSection>
  );
}

/** The "Workflow Run" section of the stage's execution details (Deck shows the title as words). */
export const GithubWorkflowExecutionDetails = Object.assign(
  withErrorBoundary(GithubWorkflowExecutionDetailsSection, 'githubWorkflowExecutionDetails'),
  { title: 'workflowRun' },
);
