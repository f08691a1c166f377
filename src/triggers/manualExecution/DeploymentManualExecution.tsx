import type { ITriggerTemplateComponentProps } from '@spinnaker/core';
import { withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { deploymentEventOf, eventFacts } from '../../../backend/src/triggers/eventFacts';
import { parseRepository } from '../../api/lookup';
import { useDeploymentEvent, useDeployments, useKnownRepository } from '../../api/queries';
import type { DeploymentDto, RepositoryDto } from '../../api/types';
import { queryClient } from '../../queryClient';
import { deploymentFacts, previewDeployment, text } from '../matchPreview';
import { previewError } from '../PreviewField';
import type { GithubDeploymentTrigger } from '../types';
import type { EventOption } from './EventChoice';
import { EventChoice, startFields, useChosenEvent } from './EventChoice';
import { deploymentLabel } from './manualLabels';

const HELP =
  "The repository's recent deployments that this trigger would have started the pipeline for. The pipeline starts " +
  "with the trigger fields the deployment's event would have given it (docs/triggers.md).";

const optionLabel = (deployment: DeploymentDto) =>
  `${deployment.environment} · ${deployment.ref} (${deployment.sha.slice(0, 7)}, ` +
  `${new Date(deployment.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC${
    deployment.creator ? `, by ${deployment.creator}` : ''
  })`;

/** The deployments a `githubDeployment` trigger would have fired on, as options carrying the webhook path's facts. */
export function deploymentOptions(
  trigger: GithubDeploymentTrigger,
  repository: RepositoryDto,
  deployments: DeploymentDto[],
): EventOption[] {
  const enabled = { ...trigger, enabled: true };
  return deployments
    .filter((deployment) => previewDeployment(enabled, deploymentFacts(repository.fullName, deployment)).matches)
    .map((deployment) => ({
      id: deployment.id,
      label: optionLabel(deployment),
      facts: eventFacts(deploymentEventOf(repository, deployment)),
    }));
}

function DeploymentChoice({ command, updateCommand }: ITriggerTemplateComponentProps<GithubDeploymentTrigger>) {
  const trigger = command.trigger;
  const repository = text(trigger.repository);
  // The deployment's link is on the repository's page, which only the repository list knows.
  const { repositories, known } = useKnownRepository(repository);
  const deployments = useDeployments(repository);
  const options = React.useMemo(
    () => (known && deployments.data ? deploymentOptions(trigger, known, deployments.data) : undefined),
    [known, deployments.data, trigger],
  );
  const { chosen, pick } = useChosenEvent(options);
  const event = useDeploymentEvent(repository, chosen?.id);
  const hint = !parseRepository(repository)
    ? 'This trigger names no repository.'
    : repositories.data && !known
      ? `The GitHub App cannot see ${repository}.`
      : undefined;
  const source = `the recent deployments of ${repository}`;

  return (
    <EventChoice
      label="Deployment"
      help={HELP}
      hint={hint}
      isLoading={repositories.isInitialLoading || deployments.isInitialLoading}
      error={previewError('the repositories', repositories.error) ?? previewError(source, deployments.error)}
      options={options}
      chosen={chosen}
      pick={pick}
      fields={startFields(chosen, event.data)}
      payloadLoading={event.isInitialLoading}
      payloadError={previewError(`the deployment event of deployment ${chosen?.id} in ${repository}`, event.error)}
      empty={`None of ${source} matches this trigger: the pipeline starts without a deployment.`}
      updateCommand={updateCommand}
    />
  );
}

function DeploymentManualExecutionWithProviders(props: ITriggerTemplateComponentProps<GithubDeploymentTrigger>) {
  return (
    <QueryClientProvider client={queryClient}>
      <DeploymentChoice {...props} />
    </QueryClientProvider>
  );
}

/** The `manualExecutionComponent` of `githubDeployment`: Deck reads `formatLabel` off it for the trigger list. */
export const DeploymentManualExecution = Object.assign(
  withErrorBoundary(DeploymentManualExecutionWithProviders, 'githubDeploymentManualExecution'),
  { formatLabel: (trigger: GithubDeploymentTrigger) => Promise.resolve(deploymentLabel(trigger)) },
);
