import type { JobDto, RunDto, StageRunDto, StageRunStatusDto, StageStatus } from '../contract.js';

/** Conclusions that fail the stage. GitHub's list: https://docs.github.com/rest/checks/runs (conclusion). */
export const FAILED = new Set(['failure', 'timed_out', 'startup_failure', 'action_required', 'stale']);

/**
 * A completed run's conclusion as a Spinnaker status. `neutral` and `skipped` are not failures on GitHub
 * (branch protection accepts them), so they succeed here too; a conclusion GitHub adds later fails safe.
 */
export function stageStatusOf(conclusion: string | null): StageStatus {
  if (conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped') return 'SUCCEEDED';
  if (conclusion === 'cancelled') return 'CANCELED';
  return 'TERMINAL';
}

export const toStageRun = (owner: string, repo: string, run: RunDto): StageRunDto => ({
  owner,
  repo,
  runId: run.id,
  runAttempt: run.runAttempt,
  runNumber: run.runNumber,
  name: run.displayTitle || run.name,
  htmlUrl: run.htmlUrl,
  status: run.status,
  conclusion: run.conclusion,
  headBranch: run.headBranch,
  headSha: run.headSha,
});

function progressOf(status: StageStatus, run: RunDto, jobs: JobDto[], failedJobs: string[]): string {
  if (status === 'TERMINAL') {
    return failedJobs.length
      ? `Failed: ${failedJobs.join(', ')}`
      : `The run ended with conclusion ${run.conclusion ?? 'unknown'}`;
  }
  if (status === 'CANCELED') return 'The run was cancelled';
  if (!jobs.length) return run.status === 'completed' ? 'Done' : `Waiting for GitHub to start jobs (${run.status})`;
  const done = jobs.filter((job) => job.status === 'completed').length;
  return `${done} of ${jobs.length} jobs done`;
}

/**
 * What Orca's webhook stage reads on each poll. A run that has not completed is RUNNING whatever its
 * status (queued, waiting for an environment approval, in progress); `waitForCompletion: false` ends
 * the stage as soon as the run exists.
 */
export function stageRunStatus(
  owner: string,
  repo: string,
  run: RunDto,
  jobs: JobDto[],
  { waitForCompletion = true } = {},
): StageRunStatusDto {
  const completed = run.status === 'completed';
  const status: StageStatus = !waitForCompletion ? 'SUCCEEDED' : completed ? stageStatusOf(run.conclusion) : 'RUNNING';
  const failedJobs = jobs.filter((job) => job.conclusion !== null && FAILED.has(job.conclusion)).map((job) => job.name);
  return {
    status,
    progress: !waitForCompletion
      ? 'Started; not waiting for the run to finish'
      : progressOf(status, run, jobs, failedJobs),
    failedJobs,
    run: toStageRun(owner, repo, run),
  };
}
