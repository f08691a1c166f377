import React from 'react';

import { parseRepository } from '../../api/lookup';
import type { RunDto } from '../../api/types';
import { ExternalLink } from '../../components/ExternalLink';
import type { MatchPreview } from '../matchPreview';
import { previewWorkflowRun, runFacts } from '../matchPreview';
import { MatchResult, matchCount } from '../MatchResult';
import { PreviewField, previewError } from '../PreviewField';
import type { GithubWorkflowRunTrigger } from '../types';
import { useTriggerRuns } from './useTriggerRuns';

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
  const { repository, wanted, settled, runs, eventRepository, source } = useTriggerRuns(trigger);
  const previews = React.useMemo(
    () => (runs.data ?? []).map((run) => previewWorkflowRun(trigger, runFacts(eventRepository, run))),
    [runs.data, trigger, eventRepository],
  );

  const hint = !parseRepository(repository)
    ? 'Choose a repository to see which of its recent runs would start this pipeline.'
    : !wanted
      ? 'Choose a workflow to see which of its recent runs would start this pipeline.'
      : undefined;

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
