import React from 'react';

import { ExternalLink } from '../../components/ExternalLink';

import type { RunDto } from '../../api/types';
import type { StageRun } from './runFromContext';
import { elapsed, statusText } from './runTiming';

export interface RunSummaryViewProps {
  /** What the stage context knows; always there. */
  stageRun: StageRun;
  /** The run as the backend reads it now, once loaded. */
  run?: RunDto;
  progress?: string;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="row">
      <div className="col-md-3">
        <strong>{label}</strong>
      </div>
      <div className="col-md-9">{children}</div>
    </div>
  );
}

/** The run's name and number, link, status, branch and sha, duration. */
export function RunSummaryView({ stageRun, run, progress }: RunSummaryViewProps) {
  const { owner, repo, runId } = stageRun;
  // The backend's current reading, field by field over what the stage context knows.
  const { name, runNumber, runAttempt, htmlUrl, status, conclusion, headBranch, headSha } = { ...stageRun, ...run };
  const title = name && runNumber ? `${name} #${runNumber}` : `Run ${runId}`;
  const completed = status === 'completed';

  return (
    <div className="github-workflow-run">
      <Row label="Run">
        {title}
        {runAttempt && runAttempt > 1 ? ` (attempt ${runAttempt})` : ''} in {owner}/{repo}
        {htmlUrl && (
          <>
            {' '}
            <ExternalLink href={htmlUrl}>View on GitHub</ExternalLink>
          </>
        )}
      </Row>
      <Row label="Status">
        {statusText(status, conclusion)}
        {progress && !completed ? ` (${progress})` : ''}
      </Row>
      {headBranch !== undefined && <Row label="Branch">{headBranch ?? '-'}</Row>}
      {headSha && (
        <Row label="Commit">
          <code title={headSha}>{headSha.slice(0, 7)}</code>
        </Row>
      )}
      {run && <Row label="Duration">{elapsed(run.startedAt ?? run.createdAt, completed ? run.updatedAt : null)}</Row>}
    </div>
  );
}
