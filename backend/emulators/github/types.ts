import type { Endpoints } from '@octokit/types';

type Data<Route extends keyof Endpoints> = Endpoints[Route]['response']['data'];

export type Integration = NonNullable<Data<'GET /app'>>;
export type Installation = Data<'GET /repos/{owner}/{repo}/installation'>;
export type InstallationToken = Data<'POST /app/installations/{installation_id}/access_tokens'>;
export type Account = NonNullable<WorkflowRun['actor']>;
export type Repository = Data<'GET /installation/repositories'>['repositories'][number];
export type FullRepository = Data<'GET /repos/{owner}/{repo}'>;
export type ShortBranch = Data<'GET /repos/{owner}/{repo}/branches'>[number];
export type Workflow = Data<'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}'>;
export type WorkflowRun = Data<'GET /repos/{owner}/{repo}/actions/runs/{run_id}'>;
export type Job = Data<'GET /repos/{owner}/{repo}/actions/jobs/{job_id}'>;
export type ContentFile = Extract<Data<'GET /repos/{owner}/{repo}/contents/{path}'>, { type: 'file' }>;

export type Deployment = Data<'GET /repos/{owner}/{repo}/deployments/{deployment_id}'>;
export type DeploymentStatus = Data<'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}'>;

export type RunStatus = NonNullable<WorkflowRun['status']>;
export type RunConclusion = WorkflowRun['conclusion'];
export type Artifact = Data<'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}'>;
export type CheckRun = Data<'GET /repos/{owner}/{repo}/check-runs/{check_run_id}'>;
