import type { IExecutionTriggerStatusComponentProps } from '@spinnaker/core';
import { withErrorBoundary } from '@spinnaker/core';
import React from 'react';

import { ExternalLink } from '../../components/ExternalLink';
import { branchUrl, commitUrl, repositoryUrl, shortSha } from '../githubLinks';
import type { WorkflowRunExecutionTrigger } from '../types';

/** `CI #123`: the workflow's name, else its file. */
export function runTitle(trigger: WorkflowRunExecutionTrigger): string {
  const workflow = trigger.workflowName || trigger.workflowPath?.split('/').pop() || trigger.workflow || 'run';
  return trigger.runNumber ? `${workflow} #${trigger.runNumber}` : workflow;
}

/** "CI #123 on main (abc1234)" under the label "GitHub workflow", each part a link to GitHub. */
function GithubWorkflowRunExecutionStatusView({ trigger }: IExecutionTriggerStatusComponentProps) {
  const run = trigger as WorkflowRunExecutionTrigger;
  const repoUrl = repositoryUrl(run);
  return (
    <>
      <li>
        <ExternalLink href={run.link}>{runTitle(run)}</ExternalLink>
        {run.branch && (
          <>
            {' on '}
            <ExternalLink href={repoUrl && branchUrl(repoUrl, run.branch)}>{run.branch}</ExternalLink>
          </>
        )}
        {run.sha && (
          <>
            {' ('}
            <ExternalLink href={repoUrl && commitUrl(repoUrl, run.sha)}>{shortSha(run.sha)}</ExternalLink>)
          </>
        )}
      </li>
      {run.repository && (
        <li>
          <ExternalLink href={repoUrl}>{run.repository}</ExternalLink>
        </li>
      )}
    </>
  );
}

export const GithubWorkflowRunExecutionStatus = withErrorBoundary(
  GithubWorkflowRunExecutionStatusView,
  'githubWorkflowRunExecutionStatus',
);
