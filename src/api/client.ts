import { REST } from '@spinnaker/core';

import { ResponseError } from './ResponseError';
import type {
  BranchDto,
  DeploymentDto,
  GithubEventDto,
  JobDto,
  ListDto,
  RepositoryDto,
  RunDto,
  WorkflowDto,
  WorkflowInputsDto,
} from './types';

/**
 * The backend's read API, reached through Gate's proxy (`proxies.github` in Gate's configuration). Deck's REST helper
 * prefixes SETTINGS.gateUrl and sends Gate's credentials; $http interceptors re-authenticate the user when needed.
 */
const API_PREFIX = '/proxies/github';

export interface RepoArgs {
  owner: string;
  repo: string;
}

export interface RunArgs extends RepoArgs {
  runId: number;
}

async function get<T>(path: Array<string | number>, query?: Record<string, string>): Promise<T> {
  let request = REST(API_PREFIX).path(...path);
  if (query) request = request.query(query);
  try {
    return await request.get<T>();
  } catch (rejection) {
    throw ResponseError.fromRejection(rejection);
  }
}

/**
 * Repositories the GitHub App is installed on, sorted by `fullName`.
 * @throws ResponseError
 */
export async function listRepositories(): Promise<RepositoryDto[]> {
  return (await get<ListDto<RepositoryDto>>(['repos'])).items;
}

/**
 * The repository's workflows.
 * @throws ResponseError; status 404 when the App cannot see the repository
 */
export async function listWorkflows({ owner, repo }: RepoArgs): Promise<WorkflowDto[]> {
  return (await get<ListDto<WorkflowDto>>(['repos', owner, repo, 'workflows'])).items;
}

/**
 * The `workflow_dispatch` inputs the workflow file declares at `ref` (the default branch when `ref` is empty).
 * @throws ResponseError; 404 when the workflow or ref does not exist, 422 when the file is not a workflow
 */
export function getWorkflowInputs({
  owner,
  repo,
  workflow,
  ref,
}: RepoArgs & { workflow: string; ref?: string }): Promise<WorkflowInputsDto> {
  return get<WorkflowInputsDto>(['repos', owner, repo, 'workflows', workflow, 'inputs'], ref ? { ref } : undefined);
}

/**
 * The repository's branches.
 * @throws ResponseError
 */
export async function listBranches({ owner, repo }: RepoArgs): Promise<BranchDto[]> {
  return (await get<ListDto<BranchDto>>(['repos', owner, repo, 'branches'])).items;
}

/**
 * The repository's recent workflow runs (GitHub's first page, newest first), of one workflow when `workflow` (file
 * name or id) is given.
 * @throws ResponseError; 404 when the workflow does not exist
 */
export async function listRecentRuns({ owner, repo, workflow }: RepoArgs & { workflow?: string }): Promise<RunDto[]> {
  const query = workflow ? { workflow } : undefined;
  return (await get<ListDto<RunDto>>(['repos', owner, repo, 'runs'], query)).items;
}

/**
 * The repository's recent deployments (GitHub's first page, newest first).
 * @throws ResponseError
 */
export async function listDeployments({ owner, repo }: RepoArgs): Promise<DeploymentDto[]> {
  return (await get<ListDto<DeploymentDto>>(['repos', owner, repo, 'deployments'])).items;
}

/**
 * One workflow run.
 * @throws ResponseError; 404 when the run does not exist
 */
export function getRun({ owner, repo, runId }: RunArgs): Promise<RunDto> {
  return get<RunDto>(['repos', owner, repo, 'runs', runId]);
}

/**
 * The `workflow_run` event GitHub would have delivered for a completed run, rebuilt from its REST answers.
 * @throws ResponseError; 404 when the run does not exist
 */
export function getWorkflowRunEvent({ owner, repo, runId }: RunArgs): Promise<GithubEventDto> {
  return get<GithubEventDto>(['repos', owner, repo, 'runs', runId, 'event']);
}

/**
 * The `deployment` event GitHub would have delivered for a deployment, rebuilt from its REST answers.
 * @throws ResponseError; 404 when the deployment does not exist
 */
export function getDeploymentEvent({
  owner,
  repo,
  deploymentId,
}: RepoArgs & { deploymentId: number }): Promise<GithubEventDto> {
  return get<GithubEventDto>(['repos', owner, repo, 'deployments', deploymentId, 'event']);
}

/**
 * The jobs of a run's latest attempt, each with its steps.
 * @throws ResponseError
 */
export async function listJobs({ owner, repo, runId }: RunArgs): Promise<JobDto[]> {
  return (await get<ListDto<JobDto>>(['repos', owner, repo, 'runs', runId, 'jobs'])).items;
}
