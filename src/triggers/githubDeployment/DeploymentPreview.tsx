import { relativeTime, timestamp } from '@spinnaker/core';
import React from 'react';

import { parseRepository } from '../../api/lookup';
import { useDeployments, useKnownRepository } from '../../api/queries';
import type { DeploymentDto } from '../../api/types';
import { ExternalLink } from '../../components/ExternalLink';
import { commitUrl, shortSha } from '../githubLinks';
import type { MatchPreview } from '../matchPreview';
import { deploymentFacts, previewDeployment, text } from '../matchPreview';
import { MatchResult, matchCount } from '../MatchResult';
import { PreviewField, previewError } from '../PreviewField';
import type { GithubDeploymentTrigger } from '../types';

const HELP =
  "The repository's most recent deployments, and whether the creation of each would have started this pipeline, " +
  "by the same rules the backend applies to GitHub's events.";

export interface DeploymentPreviewViewProps {
  deployments: DeploymentDto[];
  previews: MatchPreview[];
  /** The repository's web page, for links to the commits. */
  repositoryUrl?: string;
}

export function DeploymentPreviewView({ deployments, previews, repositoryUrl }: DeploymentPreviewViewProps) {
  if (!deployments.length) return <p className="text-muted">No recent deployments.</p>;
  return (
    <>
      <p>{matchCount(previews, ['deployment', 'deployments'])}</p>
      <table className="table table-condensed">
        <thead>
          <tr>
            <th>Environment</th>
            <th>Ref</th>
            <th>Created</th>
            <th>This trigger</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((deployment, index) => (
            <tr key={deployment.id}>
              <td title={deployment.description ?? undefined}>{deployment.environment}</td>
              <td>
                {deployment.ref}{' '}
                <ExternalLink href={repositoryUrl && commitUrl(repositoryUrl, deployment.sha)}>
                  ({shortSha(deployment.sha)})
                </ExternalLink>
              </td>
              <td title={timestamp(Date.parse(deployment.createdAt))}>
                {relativeTime(Date.parse(deployment.createdAt))}
                {deployment.creator && ` by ${deployment.creator}`}
              </td>
              <td>
                <MatchResult preview={previews[index]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The preview of a `githubDeployment` trigger against the repository's recent deployments. */
export function DeploymentPreview({ trigger }: { trigger: GithubDeploymentTrigger }) {
  const repository = text(trigger.repository);
  const { known } = useKnownRepository(repository);
  const deployments = useDeployments(repository);

  const eventRepository = known?.fullName ?? repository;
  const previews = React.useMemo(
    () =>
      (deployments.data ?? []).map((deployment) =>
        previewDeployment(trigger, deploymentFacts(eventRepository, deployment)),
      ),
    [deployments.data, trigger, eventRepository],
  );

  return (
    <PreviewField
      label="Recent deployments"
      help={HELP}
      hint={
        parseRepository(repository)
          ? undefined
          : 'Choose a repository to see which of its recent deployments would start this pipeline.'
      }
      isLoading={deployments.isInitialLoading}
      error={previewError(`the recent deployments of ${repository}`, deployments.error)}
    >
      {deployments.data && (
        <DeploymentPreviewView deployments={deployments.data} previews={previews} repositoryUrl={known?.htmlUrl} />
      )}
    </PreviewField>
  );
}
