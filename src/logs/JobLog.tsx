import React, { useState } from 'react';

import type { PollOptions } from './backoff';
import { isFailed, neverRan } from './format';
import { useJobLog } from './logQueries';
import { LogRequestError } from './logsClient';
import { focusHandover, LogViewer } from './LogViewer';
import type { JobDto } from '../api/types';

/**
 * How old the backend's copy of a running job's log may be before the user is told: it reads one every 2 s by default
 * (LOG_REFRESH_MS), and less often only while it keeps within GitHub's rate limit or GitHub does not answer.
 */
const BEHIND_MS = 15_000;

/** What to tell the user when a log cannot be shown; the backend's message says why. */
export function logErrorMessage(error: unknown, job: JobDto, live: boolean): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (!(error instanceof LogRequestError)) return detail;
  if (error.status === 410) {
    return `GitHub no longer has the log of ${job.name}: logs are kept for a limited time (90 days unless the repository sets less) and this one has expired or was deleted.`;
  }
  if (error.status === 404 && live) {
    return `The log of ${job.name} is not available yet; it appears here once the job starts writing it.`;
  }
  // GitHub answers 404, not 410, for many expired logs too.
  if (error.status === 404) {
    return `The log of ${job.name} cannot be shown: it may have expired or been deleted, or the GitHub App may not read this repository's Actions logs. ${detail}`;
  }
  if (error.status === 403) {
    return `The log of ${job.name} cannot be shown: the GitHub App may not read this repository's Actions logs. ${detail}`;
  }
  return detail;
}

export interface JobLogProps {
  owner: string;
  repo: string;
  job: JobDto;
  poll: Required<PollOptions>;
  height?: number | string;
}

/** One job's log: loaded when shown, polled while the job runs. */
export function JobLog({ owner, repo, job, poll, height }: JobLogProps) {
  const live = job.status !== 'completed';
  const ran = !neverRan(job);
  const started = ran && (job.status === 'in_progress' || job.status === 'completed');
  const { snapshot, error, isLoading, growing, copy } = useJobLog({
    owner,
    repo,
    jobId: job.id,
    live,
    poll,
    enabled: started,
  });
  const [handover] = useState(focusHandover);
  if (!ran) {
    return (
      <p className="ghrl-message" role="status">
        {job.conclusion === 'skipped'
          ? `${job.name} was skipped; it has no log.`
          : `${job.name} was cancelled before it started; it has no log.`}
      </p>
    );
  }
  if (!started) {
    return (
      <p className="ghrl-message" role="status">
        {job.name} is {job.status.replace(/_/g, ' ')}; its log appears here once it starts.
      </p>
    );
  }
  const message = error ? (
    <p className={live ? 'ghrl-message' : 'ghrl-message ghrl-error'} role={live ? 'status' : 'alert'}>
      {snapshot ? `Only the first ${snapshot.lineCount} lines of this log could be read so far. ` : ''}
      {logErrorMessage(error, job, live)}
    </p>
  ) : copy && growing && copy.age >= BEHIND_MS ? (
    <p className="ghrl-message" role="status">
      Lines as of {new Date(copy.readAt).toLocaleTimeString()}: the backend reads running logs from GitHub less often
      while the GitHub App nears its rate limit, or while GitHub does not answer. New lines follow.
    </p>
  ) : null;
  if (snapshot) {
    // A later range that failed leaves the lines read before it in view, and says that more are missing.
    return (
      <>
        {message}
        <LogViewer
          key={snapshot.generation}
          model={snapshot.model}
          lineCount={snapshot.lineCount}
          live={growing}
          focusFirstError={isFailed(job)}
          fileName={`${owner}-${repo}-job-${job.id}.log`}
          label={`Log of ${job.name}`}
          handover={handover}
          height={height}
          reading={!live && !error && !snapshot.model.complete}
        />
      </>
    );
  }
  if (message) return message;
  return <p className="ghrl-message">{isLoading ? `Loading the log of ${job.name}…` : ''}</p>;
}
