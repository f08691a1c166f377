import type { Endpoints } from '@octokit/types';
import type {
  BranchDto,
  DeploymentDto,
  GithubEventDto,
  JobDto,
  RepositoryDto,
  RunDto,
  WorkflowDto,
  WorkflowInputsDto,
} from '../contract.js';
import { UpstreamError } from '../errors.js';
import type { GithubApp } from './githubApp.js';
import type { GithubOctokit } from './octokit.js';
import { REVALIDATE } from './readCache.js';
import { toHttpError } from './githubErrors.js';
import { parseDispatchInputs } from './workflowInputs.js';
import { notFoundMessages } from './notFoundMessages.js';

type Repo = Endpoints['GET /installation/repositories']['response']['data']['repositories'][number];
type Workflow = Endpoints['GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}']['response']['data'];

export interface RepoRef {
  owner: string;
  repo: string;
}

const toRepository = (r: Repo): RepositoryDto => ({
  fullName: r.full_name,
  owner: r.owner.login,
  name: r.name,
  private: r.private,
  defaultBranch: r.default_branch,
  htmlUrl: r.html_url,
});

export const toWorkflow = (w: Workflow): WorkflowDto => ({
  id: Number(w.id),
  name: w.name,
  path: w.path,
  fileName: w.path.split('/').pop() ?? w.path,
  state: w.state,
  htmlUrl: w.html_url,
});

/**
 * The fields of a workflow run that the API's answers and the `workflow_run` webhook's payload share; a payload
 * (runEvents.ts) may leave out or null some that the API always sends.
 */
export interface RunFields {
  id: number | bigint;
  name?: string | null;
  display_title?: string | null;
  run_number: number;
  run_attempt?: number | null;
  event: string;
  status?: string | null;
  conclusion?: string | null;
  head_branch?: string | null;
  head_sha: string;
  html_url: string;
  workflow_id: number;
  path?: string | null;
  created_at: string;
  run_started_at?: string | null;
  updated_at: string;
}

/** The same for a job (`workflow_job`). */
export interface JobFields {
  id: number | bigint;
  run_id: number | bigint;
  name: string;
  status: string;
  conclusion?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  html_url?: string | null;
  steps?:
    | {
        number: number;
        name: string;
        status: string;
        conclusion?: string | null;
        started_at?: string | null;
        completed_at?: string | null;
      }[]
    | null;
}

export const toRun = (r: RunFields): RunDto => ({
  id: Number(r.id),
  name: r.name ?? '',
  displayTitle: r.display_title ?? '',
  runNumber: r.run_number,
  runAttempt: r.run_attempt ?? 1,
  event: r.event,
  status: r.status ?? 'queued',
  conclusion: r.conclusion ?? null,
  headBranch: r.head_branch ?? null,
  headSha: r.head_sha,
  htmlUrl: r.html_url,
  workflowId: r.workflow_id,
  workflowPath: r.path ?? '',
  createdAt: r.created_at,
  startedAt: r.run_started_at ?? null,
  updatedAt: r.updated_at,
});

export const toJob = (j: JobFields): JobDto => ({
  id: Number(j.id),
  runId: Number(j.run_id),
  name: j.name,
  status: j.status,
  conclusion: j.conclusion ?? null,
  startedAt: j.started_at ?? null,
  completedAt: j.completed_at ?? null,
  htmlUrl: j.html_url ?? null,
  steps: (j.steps ?? []).map((s) => ({
    number: s.number,
    name: s.name,
    status: s.status,
    conclusion: s.conclusion ?? null,
    startedAt: s.started_at ?? null,
    completedAt: s.completed_at ?? null,
  })),
});

/** A run; `revalidate` skips the read cache's fresh window (readCache.ts). */
type RunRef = RepoRef & { runId: number; revalidate?: boolean };

/** What the Deck plugin reads from GitHub, as view models. Every failure is one of our typed errors. */
export class GithubReads {
  constructor(private readonly github: GithubApp) {}

  private async attempt<T>(action: string, work: () => Promise<T>, notFound?: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toHttpError(error, { action, appId: this.github.appId, notFound });
    }
  }

  async listRepositories(): Promise<RepositoryDto[]> {
    const ids = await this.github.listInstallationIds();
    const perInstallation = await Promise.all(
      ids.map(async (id) => {
        const client = await this.github.forInstallation(id);
        return this.attempt(`listing the repositories of installation ${id}`, () =>
          client.paginate('GET /installation/repositories', { per_page: 100 }),
        );
      }),
    );
    return perInstallation
      .flat()
      .map(toRepository)
      .sort((a, b) => a.fullName.localeCompare(b.fullName));
  }

  async listWorkflows({ owner, repo }: RepoRef): Promise<WorkflowDto[]> {
    const client = await this.github.forRepo(owner, repo);
    const workflows = await this.attempt(`listing the workflows of ${owner}/${repo}`, () =>
      client.paginate('GET /repos/{owner}/{repo}/actions/workflows', { owner, repo, per_page: 100 }),
    );
    return workflows.map(toWorkflow);
  }

  async listBranches({ owner, repo }: RepoRef): Promise<BranchDto[]> {
    const client = await this.github.forRepo(owner, repo);
    const branches = await this.attempt(`listing the branches of ${owner}/${repo}`, () =>
      client.paginate('GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: 100 }),
    );
    return branches.map((b) => ({ name: b.name, sha: b.commit.sha, protected: b.protected }));
  }

  /** The `workflow_dispatch` inputs `workflow` (file name or id) declares at `ref` (default branch when omitted). */
  async getWorkflowInputs({
    owner,
    repo,
    workflow,
    ref,
  }: RepoRef & { workflow: string; ref?: string }): Promise<WorkflowInputsDto> {
    const client = await this.github.forRepo(owner, repo);
    const found = await this.attempt(
      `reading workflow ${workflow} of ${owner}/${repo}`,
      () =>
        client.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', {
          owner,
          repo,
          workflow_id: workflow,
        }),
      notFoundMessages.workflow(workflow, owner, repo),
    );
    const at =
      ref ??
      (
        await this.attempt(`reading ${owner}/${repo}`, () =>
          client.request('GET /repos/{owner}/{repo}', { owner, repo }),
        )
      ).data.default_branch;
    const file = await this.attempt(
      `reading ${found.data.path} at ${at} in ${owner}/${repo}`,
      () =>
        client.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner,
          repo,
          path: found.data.path,
          ref: at,
          mediaType: { format: 'raw' },
        }),
      notFoundMessages.fileAt(found.data.path, at, owner, repo),
    );
    if (typeof file.data !== 'string') throw new UpstreamError(`GitHub did not return ${found.data.path} as text.`);
    return { workflow, path: found.data.path, ref: at, ...parseDispatchInputs(file.data, found.data.path) };
  }

  /** Recent runs, newest first: of one workflow (file name or id) when given. */
  async listRecentRuns({ owner, repo, workflow }: RepoRef & { workflow?: string }): Promise<RunDto[]> {
    const client = await this.github.forRepo(owner, repo);
    const { data } = await this.attempt(
      `listing recent runs of ${owner}/${repo}`,
      () =>
        workflow
          ? client.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
              owner,
              repo,
              workflow_id: workflow,
              per_page: 30,
            })
          : client.request('GET /repos/{owner}/{repo}/actions/runs', { owner, repo, per_page: 30 }),
      workflow ? notFoundMessages.workflow(workflow, owner, repo) : undefined,
    );
    return data.workflow_runs.map(toRun);
  }

  /** Every run of the repository now in progress (all pages), read past the read cache's window, conditionally. */
  async listRunsInProgress({ owner, repo }: RepoRef): Promise<RunDto[]> {
    const client = await this.github.forRepo(owner, repo);
    const parameters = { owner, repo, status: 'in_progress' as const, per_page: 100, headers: REVALIDATE };
    const runs = await this.attempt(`listing the runs in progress of ${owner}/${repo}`, () =>
      client.paginate('GET /repos/{owner}/{repo}/actions/runs', parameters),
    );
    return runs.map(toRun);
  }

  async listDeployments({ owner, repo }: RepoRef): Promise<DeploymentDto[]> {
    const client = await this.github.forRepo(owner, repo);
    const { data } = await this.attempt(`listing deployments of ${owner}/${repo}`, () =>
      client.request('GET /repos/{owner}/{repo}/deployments', { owner, repo, per_page: 30 }),
    );
    return data.map((d) => ({
      id: Number(d.id),
      environment: d.environment,
      ref: d.ref,
      sha: d.sha,
      task: d.task,
      description: d.description ?? null,
      creator: d.creator?.login ?? null,
      createdAt: d.created_at,
    }));
  }

  /** A completed run's `workflow_run` event, rebuilt from the API: the run, its workflow and the repository. */
  async getWorkflowRunEvent({ owner, repo, runId }: RunRef): Promise<GithubEventDto> {
    const client = await this.github.forRepo(owner, repo);
    const { data: run } = await this.attempt(
      `reading run ${runId} of ${owner}/${repo}`,
      () => client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: runId }),
      notFoundMessages.run(runId, owner, repo),
    );
    const [workflow, repository] = await Promise.all([
      this.attempt(`reading workflow ${run.workflow_id} of ${owner}/${repo}`, () =>
        client.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', {
          owner,
          repo,
          workflow_id: run.workflow_id,
        }),
      ),
      this.repository(client, { owner, repo }),
    ]);
    return { action: 'completed', workflow_run: run, workflow: workflow.data, repository };
  }

  /** A deployment's `deployment` `created` event, rebuilt from the API: the deployment and the repository. */
  async getDeploymentEvent({ owner, repo, deploymentId }: RepoRef & { deploymentId: number }): Promise<GithubEventDto> {
    const client = await this.github.forRepo(owner, repo);
    const [deployment, repository] = await Promise.all([
      this.attempt(
        `reading deployment ${deploymentId} of ${owner}/${repo}`,
        () =>
          client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}', {
            owner,
            repo,
            deployment_id: deploymentId,
          }),
        notFoundMessages.deployment(deploymentId, owner, repo),
      ),
      this.repository(client, { owner, repo }),
    ]);
    return { action: 'created', deployment: deployment.data, repository };
  }

  private async repository(client: GithubOctokit, { owner, repo }: RepoRef) {
    const { data } = await this.attempt(`reading ${owner}/${repo}`, () =>
      client.request('GET /repos/{owner}/{repo}', { owner, repo }),
    );
    return data;
  }

  async getRun({ owner, repo, runId, revalidate = false }: RunRef): Promise<RunDto> {
    const client = await this.github.forRepo(owner, repo);
    const headers = revalidate ? REVALIDATE : {};
    const { data } = await this.attempt(
      `reading run ${runId} of ${owner}/${repo}`,
      () => client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: runId, headers }),
      notFoundMessages.run(runId, owner, repo),
    );
    return toRun(data);
  }

  async listJobs({ owner, repo, runId, revalidate = false }: RunRef): Promise<JobDto[]> {
    const client = await this.github.forRepo(owner, repo);
    // A variable, not a literal: paginate's overloads refuse an object literal with `headers` in it.
    const parameters = { owner, repo, run_id: runId, per_page: 100, headers: revalidate ? REVALIDATE : {} };
    const jobs = await this.attempt(
      `listing the jobs of run ${runId} of ${owner}/${repo}`,
      () => client.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', parameters),
      notFoundMessages.run(runId, owner, repo),
    );
    return jobs.map(toJob);
  }

  /** One job; `revalidate` asks GitHub with the cached ETag, whose 304 costs nothing against the rate limit. */
  async getJob({
    owner,
    repo,
    jobId,
    revalidate = false,
  }: RepoRef & { jobId: number; revalidate?: boolean }): Promise<JobDto> {
    const client = await this.github.forRepo(owner, repo);
    const headers = revalidate ? REVALIDATE : {};
    const { data } = await this.attempt(
      `reading job ${jobId} in ${owner}/${repo}`,
      () => client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}', { owner, repo, job_id: jobId, headers }),
      notFoundMessages.job(jobId, owner, repo),
    );
    return toJob(data);
  }
}
