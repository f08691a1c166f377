import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import type { PollOptions } from './backoff';
import { DEFAULT_POLL, LogBackoff } from './backoff';
import type { LogSnapshot } from './liveLog';
import { LiveLog } from './liveLog';
import { fetchJobLog, fetchRunJobs, LogRequestError } from './logsClient';
import type { RunRef } from './types';

export const logKeys = {
  all: ['githubLogs'] as const,
  jobs: ({ owner, repo, runId }: RunRef) => [...logKeys.all, 'jobs', owner, repo, runId] as const,
  log: (owner: string, repo: string, jobId: number) => [...logKeys.all, 'log', owner, repo, jobId] as const,
};

/** The run's jobs, read again while any of them has not completed. */
export function useRunJobs(run: RunRef, jobsMs = DEFAULT_POLL.jobsMs) {
  return useQuery({
    queryKey: logKeys.jobs(run),
    queryFn: ({ signal }) => fetchRunJobs(run, signal),
    refetchInterval: (jobs) => (jobs?.some((job) => job.status !== 'completed') ? jobsMs : false),
  });
}

/**
 * A job's log, parsed. While `live`, it is read again with backoff and new text is appended to the same model; when
 * the job completes it is read once more for the end of the log, then no more.
 */
export function useJobLog(args: {
  owner: string;
  repo: string;
  jobId: number;
  live: boolean;
  poll: Required<PollOptions>;
  /** False while the job has not started: GitHub has no log for it yet, only a 404. */
  enabled?: boolean;
}) {
  const { owner, repo, jobId, live, poll, enabled = true } = args;
  const [backoff] = useState(() => new LogBackoff(poll));
  const query = useQuery({
    queryKey: logKeys.log(owner, repo, jobId),
    queryFn: ({ signal }) => fetchJobLog({ owner, repo, jobId }, signal),
    enabled,
    refetchInterval: live ? (_data, current) => backoff.next(current.state) : false,
    // Logs can be large: do not keep them once nobody shows them.
    cacheTime: 30_000,
    staleTime: live ? 0 : Infinity,
    // A missing or expired log stays missing; only a failure of the backend or GitHub is worth one more try.
    retry: (failures, error) => failures < 1 && !(error instanceof LogRequestError && error.status < 500),
  });

  const { refetch } = query;
  const [wasLive] = useState(live);
  useEffect(() => {
    if (wasLive && !live) void refetch();
  }, [wasLive, live, refetch]);

  const [liveLog] = useState(() => new LiveLog());
  const complete = !live && !query.isFetching;
  const snapshot = useMemo<LogSnapshot | undefined>(
    () => (query.data === undefined ? undefined : liveLog.update(query.data, complete)),
    [liveLog, query.data, complete],
  );
  return { snapshot, error: query.error, isLoading: query.isLoading };
}
