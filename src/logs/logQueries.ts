import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import type { PollOptions } from './backoff';
import { DEFAULT_POLL, LogBackoff } from './backoff';
import { fetchJobLogRange, fetchRunJobs, LogRequestError } from './logsClient';
import { RangedLog, type LogSnapshot, type RangedSnapshot } from './rangedLog';
import type { RunRef } from './types';
import type { JobDto } from '../api/types';

export const logKeys = {
  all: ['githubLogs'] as const,
  jobs: ({ owner, repo, runId }: RunRef) => [...logKeys.all, 'jobs', owner, repo, runId] as const,
  log: (owner: string, repo: string, jobId: number) => [...logKeys.all, 'log', owner, repo, jobId] as const,
};

/**
 * The run's jobs, read again while any of them has not completed, and while the run is in progress (`runLive`): GitHub
 * adds a run's jobs after the run starts, and a matrix that an earlier job's outputs choose once that job is done. When
 * whether the run is in progress is not known, an empty list is read again too.
 */
export function useRunJobs(run: RunRef, jobsMs = DEFAULT_POLL.jobsMs, runLive?: boolean) {
  return useQuery({
    queryKey: logKeys.jobs(run),
    queryFn: ({ signal }) => fetchRunJobs(run, signal),
    refetchInterval: (jobs) => {
      const more = jobs && (runLive || (jobs.length === 0 && runLive === undefined) || jobs.some(notCompleted));
      return more ? jobsMs : false;
    },
  });
}

const notCompleted = (job: JobDto) => job.status !== 'completed';

/**
 * Whether a log is read again: while it is not complete, unless GitHub said it cannot be read (a 4xx: expired, not
 * allowed). A running job's log that GitHub does not have yet (404) comes once the runner starts writing it. A first
 * range that failed for the backend, GitHub or the network (a 5xx; fetch's TypeError) is asked again as a later one is.
 */
function readAgain(data: RangedSnapshot | undefined, error: unknown, live: boolean): boolean {
  if (error instanceof LogRequestError && error.status < 500) return live && error.status === 404;
  if (data) return !data.complete;
  return live || error instanceof LogRequestError || error instanceof TypeError;
}

/**
 * A job's log, parsed, read in ranges: the first (small) one is shown as soon as it arrives, the rest follow one range
 * after another. While the log is not complete it is read again with backoff, asking for the bytes after the last
 * one read (and, while the job runs, its last line again, to see that it is still the same log), until the backend
 * says the job has completed and every byte has arrived.
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
  const [wasLive] = useState(live);
  const client = useQueryClient();
  const query = useQuery({
    queryKey: logKeys.log(owner, repo, jobId),
    queryFn: async ({ signal, queryKey }): Promise<RangedSnapshot> => {
      // The log read so far lives in the query's own data, so every component showing this job shares it.
      const log = client.getQueryData<RangedSnapshot>(queryKey)?.log ?? new RangedLog();
      const read = (from: RangedLog) => fetchJobLogRange({ owner, repo, jobId }, from.nextRange(), signal);
      try {
        const range = await read(log);
        if (log.follows(range)) return log.add(range);
      } catch (error) {
        if (!(error instanceof LogRequestError && error.status === 416)) throw error;
      }
      // The backend's log is not the one read so far (shorter: 416; or its last line read differs): GitHub wrote it
      // anew (the job was re-run), or this read reached a replica with another copy. Read it again from the start.
      const fresh = new RangedLog();
      return fresh.add(await read(fresh));
    },
    enabled,
    refetchInterval: (data, current) =>
      readAgain(data, current.state.error, live) ? backoff.next(current.state) : false,
    structuralSharing: false,
    // Logs can be large: do not keep them once nobody shows them.
    cacheTime: 30_000,
    staleTime: live ? 0 : Infinity,
    // A missing or expired log stays missing; only a failure of the backend or GitHub is worth one more try.
    retry: (failures, error) => failures < 1 && !(error instanceof LogRequestError && error.status < 500),
  });

  const { refetch, data } = query;
  // The rest of the log, one range after another, as soon as the previous one has arrived. A read already on its way
  // (a poll) is the one wanted: it is not aborted to ask for the same range again.
  useEffect(() => {
    if (data && data.offset < data.size) void refetch({ cancelRefetch: false });
  }, [data, refetch]);
  useEffect(() => {
    if (!wasLive || live) return;
    // The job list says the job has ended: its last lines are on their way (the backend reads them within seconds of
    // the end, also while it puts off refreshes to keep within GitHub's rate limit). Read now, then soon again.
    backoff.reset();
    void refetch();
  }, [wasLive, live, backoff, refetch]);

  return {
    snapshot: data as LogSnapshot | undefined,
    /** How old the backend's copy of a running job's log was at the last answer. */
    copy: data?.copy,
    error: query.error,
    isLoading: query.isLoading,
    // The job list tells that a job has completed before its log's last lines are read: they are still to come,
    // unless GitHub said the log cannot be read (deleted, expired): then nothing more will come.
    growing: live || (wasLive && readAgain(data, query.error, false)),
  };
}
