// Wire types of the backend's read API. backend/src/contract.ts is the source of truth: these are copies, so the
// bundle never reaches into backend/, and test/api/types.test.ts fails when the two drift apart.

export interface ErrorBody {
  error: { name: string; message: string };
  request: { method: string; url: string };
  response: { statusCode: number };
}

export interface RepositoryDto {
  /** `owner/name`, the form stages and triggers save. */
  fullName: string;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  htmlUrl: string;
}

export interface WorkflowDto {
  id: number;
  name: string;
  /** `.github/workflows/deploy.yml` */
  path: string;
  /** `deploy.yml`, the value the stage saves in `workflow`. */
  fileName: string;
  state: string;
  htmlUrl: string;
}

export type WorkflowInputType = 'string' | 'choice' | 'boolean' | 'number' | 'environment';

export interface WorkflowInputDto {
  name: string;
  type: WorkflowInputType;
  description?: string;
  required: boolean;
  /** As the workflow file writes it; booleans and numbers keep their type. */
  default?: string | number | boolean;
  /** Only for `choice`. */
  options?: string[];
}

export interface WorkflowInputsDto {
  workflow: string;
  path: string;
  ref: string;
  /** False when the workflow at that ref has no `workflow_dispatch` trigger: it cannot be dispatched. */
  dispatchable: boolean;
  inputs: WorkflowInputDto[];
}

export interface BranchDto {
  name: string;
  sha: string;
  protected: boolean;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending' | string;

export interface RunDto {
  id: number;
  name: string;
  displayTitle: string;
  runNumber: number;
  runAttempt: number;
  event: string;
  status: RunStatus;
  conclusion: string | null;
  headBranch: string | null;
  headSha: string;
  htmlUrl: string;
  workflowId: number;
  workflowPath: string;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
}

export interface StepDto {
  number: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface JobDto {
  id: number;
  runId: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  htmlUrl: string | null;
  steps: StepDto[];
}

export interface ListDto<T> {
  items: T[];
}

/** `GET /api/repos/:owner/:repo/deployments`: recent deployments, newest first. */
export interface DeploymentDto {
  id: number;
  environment: string;
  ref: string;
  sha: string;
  task: string;
  description: string | null;
  creator: string | null;
  createdAt: string;
}
