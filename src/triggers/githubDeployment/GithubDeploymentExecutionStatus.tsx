import type { IExecutionTriggerStatusComponentProps } from '@spinnaker/core';
import { withErrorBoundary } from '@spinnaker/core';
import React from 'react';

import { ExternalLink } from '../../components/ExternalLink';
import { commitUrl, repositoryUrl, shortSha } from '../githubLinks';
import type { DeploymentExecutionTrigger } from '../types';

/** "to production (abc1234)" under the label "GitHub deployment", each part a link to GitHub. */
function GithubDeploymentExecutionStatusView({ trigger }: IExecutionTriggerStatusComponentProps) {
  const deployment = trigger as DeploymentExecutionTrigger;
  const repoUrl = repositoryUrl(deployment);
  return (
    <>
      <li>
        {'to '}
        <ExternalLink href={deployment.link}>{deployment.environment || 'an unnamed environment'}</ExternalLink>
        {deployment.sha && (
          <>
            {' ('}
            <ExternalLink href={repoUrl && commitUrl(repoUrl, deployment.sha)}>{shortSha(deployment.sha)}</ExternalLink>
            )
          </>
        )}
      </li>
      {deployment.repository && (
        <li>
          <ExternalLink href={repoUrl}>{deployment.repository}</ExternalLink>
        </li>
      )}
    </>
  );
}

export const GithubDeploymentExecutionStatus = withErrorBoundary(
  GithubDeploymentExecutionStatusView,
  'githubDeploymentExecutionStatus',
);
