import React, { useState } from 'react';

import { ExternalLink } from '../components/ExternalLink';

import type { PollOptions } from './backoff';
import { DEFAULT_POLL } from './backoff';
import { formatDuration, isFailed, neverRan, statusLook } from './format';
import { FullWidthLogButton } from './FullWidthLog';
import { JobLog } from './JobLog';
import { useRunJobs } from './logQueries';
import { injectStyles } from './styles';
import type { JobDto } from '../api/types';
import type { RunRef } from './types';

export interface RunLogsProps extends RunRef {
  /** Polling intervals while the run is in progress (tests shorten them). */
  poll?: PollOptions;
  /** CSS height of the log viewer. */
  height?: number | string;
  /**
   * Whether the run is in progress (in Deck: as the stage's last look at the run saw it); its job list is read again
   * while it is.
   */
  runLive?: boolean;
}

/** The job opened at first: the first failed one, else the first running one, else the first that ran, else the first. */
export function defaultJob(jobs: JobDto[]): JobDto | undefined {
  return (
    jobs.find(isFailed) ??
    jobs.find((job) => job.status === 'in_progress') ??
    jobs.find((job) => !neverRan(job)) ??
    jobs[0]
  );
}

function Status({ of: item }: { of: { status: string; conclusion: string | null } }) {
  const look = statusLook(item);
  return (
    <span className="ghrl-status" style={{ color: look.color }} title={look.label} aria-label={look.label} role="img">
      {look.icon}
    </span>
  );
}

function Steps({ job, now }: { job: JobDto; now: number }) {
  return (
    <ol className="ghrl-steps" aria-label={`Steps of ${job.name}`}>
      {job.steps.map((step) => (
        <li key={step.number}>
          <Status of={step} />
          <span className="ghrl-name">{step.name}</span>
          <span className="ghrl-duration">{formatDuration(step.startedAt, step.completedAt, now)}</span>
        </li>
      ))}
    </ol>
  );
}

/** A workflow run's jobs with their steps, and the log of the job the user opens (a failed one at first). */
export function RunLogs({ owner, repo, runId, poll, height, runLive }: RunLogsProps) {
  injectStyles();
  const polling = { ...DEFAULT_POLL, ...poll };
  const jobs = useRunJobs({ owner, repo, runId }, polling.jobsMs, runLive);
  const [chosen, setChosen] = useState<number | null>(null);
  // Durations of running jobs count up to the time of the last poll.
  const now = jobs.dataUpdatedAt;

  if (jobs.isLoading) return <p className="ghrl-message">Loading the jobs of run {runId}…</p>;
  const failure = jobs.isError ? (jobs.error instanceof Error ? jobs.error.message : String(jobs.error)) : '';
  if (jobs.data === undefined) {
    return (
      <p className="ghrl-message ghrl-error" role="alert">
        {failure}
      </p>
    );
  }
  // A failed poll leaves the jobs as last read, and the open log with what the user did in it, in place.
  const note = failure && (
    <p className="ghrl-note" role="status">
      Could not refresh the jobs; they are shown as last read. {failure}
    </p>
  );
  if (jobs.data.length === 0) {
    // A run that ends without jobs is one GitHub could not start, such as one whose workflow file has an error.
    const why = runLive === false ? 'ended without jobs; its page on GitHub says why' : 'has no jobs yet';
    return (
      <>
        {note}
        <p className="ghrl-message">{`Run ${runId} ${why}.`}</p>
      </>
    );
  }

  const openId = chosen ?? defaultJob(jobs.data)?.id;
  return (
    <>
      {note}
      <ul className="ghrl" aria-label={`Jobs of run ${runId}`}>
        {jobs.data.map((job) => {
          const open = job.id === openId;
          return (
            <li key={job.id} className={open ? 'ghrl-job ghrl-open' : 'ghrl-job'}>
              <button
                type="button"
                className="ghrl-job-header"
                aria-expanded={open}
                onClick={() => setChosen(open ? -1 : job.id)}
              >
                <Status of={job} />
                <span className="ghrl-name">{job.name}</span>
                <span className="ghrl-duration">{formatDuration(job.startedAt, job.completedAt, now)}</span>
              </button>
              {open && (
                <div className="ghrl-job-body">
                  <Steps job={job} now={now} />
                  {job.htmlUrl && <ExternalLink href={job.htmlUrl}>Open on GitHub</ExternalLink>}
                  <FullWidthLogButton owner={owner} repo={repo} job={job} poll={polling} />
                  <JobLog owner={owner} repo={repo} job={job} poll={polling} height={height} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
