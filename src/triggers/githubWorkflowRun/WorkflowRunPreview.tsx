import React from 'react';

import { parseRepository } from '../../api/lookup';
import { useRecentRuns, useRepositories, useWorkflows } from '../../api/queries';
import type { RunDto } from '../../api/types';
import { ExternalLink } from '../../components/ExternalLink';
import type { MatchPreview } from '../matchPreview';
import { previewWorkflowRun, runFacts, text } from '../matchPreview';
import { MatchResult, matchCount } from '../MatchResult';
import { PreviewField, previewError } from '../PreviewField';
import type { GithubWorkflowRunTrigger } from '../types';
import { isWorkflowFile, workflowFileFor } from './resolveWorkflow';

const HELP =
  "The repository's most recent runs of the workflow, and whether each would have started this pipeline when it " +
  "completed, by the same rules the backend applies to GitHub's events. Runs still going start nothing yet.";

export interface WorkflowRunPreviewViewProps {
  runs: RunDto[];
  previews: MatchPreview[];
}

export function WorkflowRunPreviewView({ runs, previews }: WorkflowRunPreviewViewProps) {
  if (!runs.length) return <p className="text-muted">No recent runs.</p>;
  return (
    <>
      <p>{matchCount(previews, ['run', 'runs'])}</p>
      <table className="table table-condensed">
        <thead>
          <tr>
            <th>Run</th>
            <th>Branch</th>
            <th>Conclusion</th>
            <th>This trigger</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run, index) => (
            <tr key={run.id}>
              <td title={run.displayTitle}>
                <ExternalLink href={run.htmlUrl}>
                  {run.name || run.workflowPath} #{run.runNumber}
                </ExternalLink>
              </td>
              <td>{run.headBranch ?? '—'}</td>
              <td>{run.status === 'completed' ? (run.conclusion ?? '—') : run.status.replace(/_/g, ' ')}</td>
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

/** The preview of a `githubWorkflowRun` trigger against the repository's recent runs of its workflow. */
export function WorkflowRunPreview({ trigger }: { trigger: GithubWorkflowRunTrigger }) {
  const repository = text(trigger.repository);
  const wanted = text(trigger.workflow);
  const repositories = useRepositories();
  const workflows = useWorkflows(repository);
  // A workflow name needs the workflow list to find its file; a file name does not.
  const settled = isWorkflowFile(wanted) || !workflows.isInitialLoading;
  const file = workflowFileFor(wanted, workflows.data);
  const runs = useRecentRuns(wanted && settled ? repository : undefined, file);

  const eventRepository =
    repositories.data?.find((repo) => repo.fullName.toLowerCase() === repository.toLowerCase())?.fullName ?? repository;
  const previews = React.useMemo(
    () => (runs.data ?? []).map((run) => previewWorkflowRun(trigger, runFacts(eventRepository, run))),
    [runs.data, trigger, eventRepository],
  );

  const hint = !parseRepository(repository)
    ? 'Choose a repository to see which of its recent runs would start this pipeline.'
    : !wanted
      ? 'Choose a workflow to see which of its recent runs would start this pipeline.'
      : undefined;
  const source = file ? `the recent runs of ${file} in ${repository}` : `the recent runs of ${repository}`;

  return (
    <PreviewField
      label="Recent runs"
      help={HELP}
      hint={hint}
      isLoading={!settled || runs.isInitialLoading}
      error={previewError(source, runs.error)}
    >
      {runs.data && <WorkflowRunPreviewView runs={runs.data} previews={previews} />}
    </PreviewField>
  );
}
