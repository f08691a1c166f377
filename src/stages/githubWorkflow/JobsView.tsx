import React from 'react';

import { ExternalLink } from '../../components/ExternalLink';

import type { JobDto } from '../../api/types';
import { elapsed, statusText } from './runTiming';

/** The run's jobs with their status; an empty run is an empty state, not an error. */
export function JobsView({ jobs }: { jobs: JobDto[] }) {
  if (!jobs.length) return <p>GitHub lists no jobs for this run yet.</p>;
  return (
    <table className="table table-condensed github-workflow-jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Status</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id}>
            <td>
              <ExternalLink href={job.htmlUrl}>{job.name}</ExternalLink>
            </td>
            <td>{statusText(job.status, job.conclusion)}</td>
            <td>{elapsed(job.startedAt, job.completedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
