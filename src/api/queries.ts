import type { UseQueryOptions } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';

import type { RepoArgs, RunArgs } from './client';
import {
  getDeploymentEvent,
  getRun,
  getWorkflowInputs,
  getWorkflowRunEvent,
  listBranches,
  listDeployments,
  listJobs,
  listRecentRuns,
  listRepositories,
  listWorkflows,
} from './client';
import { isLookupValue, parseRepository } from './lookup';
import type { ResponseError } from './ResponseError';
import type {
  BranchDto,
  DeploymentDto,
  GithubEventDto,
  JobDto,
  RepositoryDto,
  RunDto,
  WorkflowDto,
  WorkflowInputsDto,
} from './types';

/** How often a run that is not completed is read again while its stage runs. */
export const LIVE_REFETCH_MS = 5_000;

export interface WorkflowInputsArgs {
  repository?: string;
  workflow?: string;
  ref?: string;
}

type RunLookup = Partial<Omit<RunArgs, 'runId'>> & { runId?: number | string };

const runArgs = ({ owner, repo, runId }: RunLookup): RunArgs | undefined =>
  isLookupValue(owner) && isLookupValue(repo) && Number(runId) > 0 ? { owner, repo, runId: Number(runId) } : undefined;

export const githubKeys = {
  all: ['github'] as const,
  repositories: () => [...githubKeys.all, 'repositories'] as const,
  workflows: (repo: RepoArgs | undefined) => [...githubKeys.all, 'workflows', { ...repo }] as const,
  workflowInputs: (repo: RepoArgs | undefined, workflow: string | undefined, ref: string | undefined) =>
    [...githubKeys.all, 'workflowInputs', { ...repo, workflow, ref }] as const,
  branches: (repo: RepoArgs | undefined) => [...githubKeys.all, 'branches', { ...repo }] as const,
  run: (run: RunArgs | undefined) => [...githubKeys.all, 'run', { ...run }] as const,
  jobs: (run: RunArgs | undefined) => [...githubKeys.all, 'jobs', { ...run }] as const,
  recentRuns: (repo: RepoArgs | undefined, workflow: string | undefined) =>
    [...githubKeys.all, 'recentRuns', { ...repo, workflow }] as const,
  deployments: (repo: RepoArgs | undefined) => [...githubKeys.all, 'deployments', { ...repo }] as const,
  runEvent: (run: RunArgs | undefined) => [...githubKeys.all, 'runEvent', { ...run }] as const,
  deploymentEvent: (repo: RepoArgs | undefined, deploymentId: number | undefined) =>
    [...githubKeys.all, 'deploymentEvent', { ...repo, deploymentId }] as const,
};

function required<T>(value: T | undefined): T {
  // Only reachable when a disabled query is fetched on purpose; `enabled` guards every hook.
  if (value === undefined) throw new Error('This lookup needs a repository, workflow or run that is not SpEL.');
  return value;
}

export function repositoriesQuery(): UseQueryOptions<RepositoryDto[], ResponseError> {
  return { queryKey: githubKeys.repositories(), queryFn: listRepositories, staleTime: 60_000 };
}

export function workflowsQuery(repository: string | undefined): UseQueryOptions<WorkflowDto[], ResponseError> {
  const repo = parseRepository(repository);
  return {
    queryKey: githubKeys.workflows(repo),
    queryFn: () => listWorkflows(required(repo)),
    enabled: repo !== undefined,
  };
}

/** Declared inputs of a workflow at a ref; disabled while any of the three is SpEL. An empty ref is the default branch. */
export function workflowInputsQuery({
  repository,
  workflow,
  ref,
}: WorkflowInputsArgs): UseQueryOptions<WorkflowInputsDto, ResponseError> {
  const repo = parseRepository(repository);
  const atRef = ref || undefined;
  return {
    queryKey: githubKeys.workflowInputs(repo, workflow, atRef),
    queryFn: () => getWorkflowInputs({ ...required(repo), workflow: required(workflow), ref: atRef }),
    enabled: repo !== undefined && isLookupValue(workflow) && (atRef === undefined || isLookupValue(atRef)),
  };
}

export function branchesQuery(repository: string | undefined): UseQueryOptions<BranchDto[], ResponseError> {
  const repo = parseRepository(repository);
  return {
    queryKey: githubKeys.branches(repo),
    queryFn: () => listBranches(required(repo)),
    enabled: repo !== undefined,
  };
}

/** Recent runs of the repository; of one workflow (file name or id) when `workflow` is given. */
export function recentRunsQuery(
  repository: string | undefined,
  workflow: string | undefined,
): UseQueryOptions<RunDto[], ResponseError> {
  const repo = parseRepository(repository);
  const only = workflow || undefined;
  return {
    queryKey: githubKeys.recentRuns(repo, only),
    queryFn: () => listRecentRuns({ ...required(repo), workflow: only }),
    enabled: repo !== undefined && (only === undefined || isLookupValue(only)),
  };
}

export function deploymentsQuery(repository: string | undefined): UseQueryOptions<DeploymentDto[], ResponseError> {
  const repo = parseRepository(repository);
  return {
    queryKey: githubKeys.deployments(repo),
    queryFn: () => listDeployments(required(repo)),
    enabled: repo !== undefined,
  };
}

export function runQuery(lookup: RunLookup): UseQueryOptions<RunDto, ResponseError> {
  const run = runArgs(lookup);
  return { queryKey: githubKeys.run(run), queryFn: () => getRun(required(run)), enabled: run !== undefined };
}

export function jobsQuery(lookup: RunLookup): UseQueryOptions<JobDto[], ResponseError> {
  const run = runArgs(lookup);
  return { queryKey: githubKeys.jobs(run), queryFn: () => listJobs(required(run)), enabled: run !== undefined };
}

/** The `workflow_run` event a run's webhook delivery would have carried; GitHub's objects do not change. */
export function workflowRunEventQuery(lookup: RunLookup): UseQueryOptions<GithubEventDto, ResponseError> {
  const run = runArgs(lookup);
  return {
    queryKey: githubKeys.runEvent(run),
    queryFn: () => getWorkflowRunEvent(required(run)),
    enabled: run !== undefined,
    staleTime: 60_000,
  };
}

/** The `deployment` event a deployment's webhook delivery would have carried. */
export function deploymentEventQuery(
  repository: string | undefined,
  deploymentId: number | undefined,
): UseQueryOptions<GithubEventDto, ResponseError> {
  const repo = parseRepository(repository);
  return {
    queryKey: githubKeys.deploymentEvent(repo, deploymentId),
    queryFn: () => getDeploymentEvent({ ...required(repo), deploymentId: required(deploymentId) }),
    enabled: repo !== undefined && deploymentId !== undefined,
    staleTime: 60_000,
  };
}

export const useRepositories = () => useQuery(repositoriesQuery());

/**
 * The repositories the GitHub App can see, and among them `repository` whatever its case: GitHub's names are
 * case-insensitive, and events and links use the repository as GitHub spells it.
 */
export function useKnownRepository(repository: string) {
  const repositories = useRepositories();
  const known = repositories.data?.find((repo) => repo.fullName.toLowerCase() === repository.toLowerCase());
  return { repositories, known };
}

export const useWorkflows = (repository: string | undefined) => useQuery(workflowsQuery(repository));

export const useWorkflowInputs = (args: WorkflowInputsArgs) => useQuery(workflowInputsQuery(args));

export const useBranches = (repository: string | undefined) => useQuery(branchesQuery(repository));

export const useRecentRuns = (repository: string | undefined, workflow: string | undefined) =>
  useQuery(recentRunsQuery(repository, workflow));

export const useDeployments = (repository: string | undefined) => useQuery(deploymentsQuery(repository));

export const useWorkflowRunEvent = (lookup: RunLookup) => useQuery(workflowRunEventQuery(lookup));

export const useDeploymentEvent = (repository: string | undefined, deploymentId: number | undefined) =>
  useQuery(deploymentEventQuery(repository, deploymentId));

/** A workflow run; with `live`, read again every few seconds until GitHub reports it completed. */
export const useRun = (lookup: RunLookup, { live = false } = {}) =>
  useQuery({
    ...runQuery(lookup),
    refetchInterval: (run) => (live && run?.status !== 'completed' ? LIVE_REFETCH_MS : false),
  });

/**
 * The jobs of a run; with `live` (the run is not completed), read again every few seconds, and after that for as
 * long as a job has not completed: the list read last can predate the run's end, since the backend answers a read
 * from memory for a few seconds (backend/src/github/readCache.ts), and GitHub completes the jobs with the run.
 */
export const useJobs = (lookup: RunLookup, { live = false } = {}) =>
  useQuery({
    ...jobsQuery(lookup),
    refetchInterval: (jobs) => (live || jobs?.some((job) => job.status !== 'completed') ? LIVE_REFETCH_MS : false),
  });
