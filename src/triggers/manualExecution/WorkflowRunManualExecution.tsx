import type { ITriggerTemplateComponentProps } from '@spinnaker/core';
import { withErrorBoundary } from '@spinnaker/core';
import { QueryClientProvider } from '@tanstack/react-query';
import React from 'react';

import { eventFacts, workflowRunEventOf } from '../../../backend/src/triggers/eventFacts';
import { parseRepository } from '../../api/lookup';
import { useWorkflowRunEvent } from '../../api/queries';
import type { RunDto, WorkflowDto } from '../../api/types';
import { queryClient } from '../../queryClient';
import { useTriggerRuns } from '../githubWorkflowRun/useTriggerRuns';
import { previewWorkflowRun, runFacts } from '../matchPreview';
import { previewError } from '../PreviewField';
import type { GithubWorkflowRunTrigger } from '../types';
import type { EventOption } from './EventChoice';
import { EventChoice, startFields, useChosenEvent } from './EventChoice';
import { workflowRunLabel } from './manualLabels';

const HELP =
  "The repository's recent completed runs of the workflow that this trigger would have started the pipeline for. " +
  "The pipeline starts with the trigger fields the run's workflow_run event would have given it (docs/triggers.md).";

const runLabel = (run: RunDto) =>
  `#${run.runNumber} ${run.displayTitle || run.name} (${run.headBranch ?? 'no branch'}, ${run.conclusion ?? 'none'}, ` +
  `${new Date(run.updatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;

/** The runs a `githubWorkflowRun` trigger would have fired on, as options carrying the webhook path's facts. */
export function workflowRunOptions(
  trigger: GithubWorkflowRunTrigger,
  repository: string,
  runs: RunDto[],
  workflows: WorkflowDto[] = [],
): EventOption[] {
  // A manual start ignores whether the trigger is enabled, as Deck's own triggers do.
  const enabled = { ...trigger, enabled: true };
  return runs
    .filter((run) => previewWorkflowRun(enabled, runFacts(repository, run)).matches)
    .map((run) => ({
      id: run.id,
      label: runLabel(run),
      facts: eventFacts(workflowRunEventOf(repository, run, workflows)),
    }));
}

function WorkflowRunChoice({ command, updateCommand }: ITriggerTemplateComponentProps<GithubWorkflowRunTrigger>) {
  const trigger = command.trigger;
  const { repository, wanted, workflows, settled, runs, eventRepository, source } = useTriggerRuns(trigger);
  const options = React.useMemo(
    () => runs.data && workflowRunOptions(trigger, eventRepository, runs.data, workflows.data),
    [runs.data, trigger, eventRepository, workflows.data],
  );
  const { chosen, pick } = useChosenEvent(options);
  const repo = parseRepository(repository);
  const event = useWorkflowRunEvent({ ...repo, runId: chosen?.id });
  const hint = !repo || !wanted ? 'This trigger names no repository and workflow.' : undefined;

  return (
    <EventChoice
      label="Workflow run"
      help={HELP}
      hint={hint}
      isLoading={!settled || runs.isInitialLoading}
      error={previewError(source, runs.error)}
      options={options}
      chosen={chosen}
      pick={pick}
      fields={startFields(chosen, event.data)}
      payloadLoading={event.isInitialLoading}
      payloadError={previewError(`the workflow_run event of run ${chosen?.id} in ${repository}`, event.error)}
      empty={`None of ${source} matches this trigger: the pipeline starts without a workflow run.`}
      updateCommand={updateCommand}
    />
  );
}

function WorkflowRunManualExecutionWithProviders(props: ITriggerTemplateComponentProps<GithubWorkflowRunTrigger>) {
  return (
    <QueryClientProvider client={queryClient}>
      <WorkflowRunChoice {...props} />
    </QueryClientProvider>
  );
}

/** The `manualExecutionComponent` of `githubWorkflowRun`: Deck reads `formatLabel` off it for the trigger list. */
export const WorkflowRunManualExecution = Object.assign(
  withErrorBoundary(WorkflowRunManualExecutionWithProviders, 'githubWorkflowRunManualExecution'),
  { formatLabel: (trigger: GithubWorkflowRunTrigger) => Promise.resolve(workflowRunLabel(trigger)) },
);
