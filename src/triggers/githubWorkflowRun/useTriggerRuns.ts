import { useKnownRepository, useRecentRuns, useWorkflows } from '../../api/queries';
import { text } from '../matchPreview';
import type { GithubWorkflowRunTrigger } from '../types';
import { isWorkflowFile, workflowFileFor } from './resolveWorkflow';

/**
 * The recent runs of a `githubWorkflowRun` trigger's workflow, for its preview and for Deck's manual execution
 * dialog: the workflow is resolved to its file first, and the repository is named as GitHub spells it, as in events.
 */
export function useTriggerRuns(trigger: GithubWorkflowRunTrigger) {
  const repository = text(trigger.repository);
  const wanted = text(trigger.workflow);
  const { known } = useKnownRepository(repository);
  const workflows = useWorkflows(repository);
  // A workflow name needs the workflow list to find its file; a file name does not.
  const settled = isWorkflowFile(wanted) || !workflows.isInitialLoading;
  const file = workflowFileFor(wanted, workflows.data);
  const runs = useRecentRuns(wanted && settled ? repository : undefined, file);
  // The event names the repository as GitHub spells it; the trigger may differ in case.
  const eventRepository = known?.fullName ?? repository;
  const source = file ? `the recent runs of ${file} in ${repository}` : `the recent runs of ${repository}`;
  return { repository, wanted, workflows, settled, file, runs, eventRepository, source };
}
