/**
 * Wire types shared by the backend and the Deck plugin (`import type` only, so it costs nothing in the bundle).
 * Each DTO is the narrowed view model of one endpoint's response, never GitHub's raw payload.
 */

/** Every error response. */
export interface ErrorBody {
  error: { name: string; message: string };
  request: { method: string; url: string };
  response: { statusCode: number };
}

/** `GET /api/repos`: repositories the GitHub App is installed on. */
export interface RepositoryDto {
  /** `owner/name`, the form stages and triggers save. */
  fullName: string;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  htmlUrl: string;
}

/** `GET /api/repos/:owner/:repo/workflows`. */
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

/** `GET /api/repos/:owner/:repo/workflows/:workflow/inputs?ref=`. */
export interface WorkflowInputsDto {
  workflow: string;
  path: string;
  ref: string;
  /** False when the workflow at that ref has no `workflow_dispatch` trigger: it cannot be dispatched. */
  dispatchable: boolean;
  inputs: WorkflowInputDto[];
}

/** `GET /api/repos/:owner/:repo/branches`. */
export interface BranchDto {
  name: string;
  sha: string;
  protected: boolean;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending' | string;

/** `GET /api/repos/:owner/:repo/runs/:runId`. */
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

/** `GET /api/repos/:owner/:repo/runs/:runId/jobs`: `{ jobs: JobDto[] }`. */
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

/** `GET /health` and `GET /ready`. */
/** A pipeline start the backend gave up on after its retries (`GET /api/pipeline-starts?status=failed`). */
export interface PipelineStartDto {
  /** The GitHub delivery (`X-GitHub-Delivery`) that should have started it. */
  deliveryId: string;
  application: string;
  pipelineId: string;
  pipelineName: string;
  status: 'pending' | 'started' | 'failed';
  attempts: number;
  lastError: string | null;
  /** ISO 8601. */
  updatedAt: string;
}

export interface HealthDto {
  status: 'ok' | 'unavailable';
  checks?: Record<string, { ok: boolean; message?: string }>;
}

/** Spinnaker's view of a workflow run, for Orca's webhook stage (`statusJsonPath: $.status`). */
export type StageStatus = 'RUNNING' | 'SUCCEEDED' | 'TERMINAL' | 'CANCELED';

/** The run as the stage's execution context keeps it (docs/orca.md: owner, repo, runId, runAttempt, htmlUrl, status, conclusion). */
export interface StageRunDto {
  owner: string;
  repo: string;
  runId: number;
  runAttempt: number;
  runNumber: number;
  name: string;
  htmlUrl: string;
  /** GitHub's run status: queued, in_progress, completed, … */
  status: string;
  conclusion: string | null;
  headBranch: string | null;
  headSha: string;
}

/** `POST /stage/dispatch`: the run that was started, and where Orca polls it. */
export interface StageDispatchDto extends StageRunDto {
  statusUrl: string;
  correlationId: string;
}

/** `GET /stage/runs/:owner/:repo/:runId`. */
export interface StageRunStatusDto {
  status: StageStatus;
  /** "3 of 5 jobs done", or why the run failed. */
  progress: string;
  failedJobs: string[];
  run: StageRunDto;
  /** Once the run has completed: its artifacts. */
  artifacts?: StageArtifactDto[];
  /** The keys of the stage's results file (`propertyArtifact` / `propertyFile`), once read; docs/stage.md. */
  outputs?: Record<string, unknown>;
}

/** One artifact of a run, as the stage's outputs and execution details list it. */
export interface StageArtifactDto {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
  expiresAt: string | null;
  /** The run page's download link (GitHub asks the browser to sign in). */
  htmlUrl: string;
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

/**
 * `GET /api/repos/:owner/:repo/runs/:runId/event` and `GET /api/repos/:owner/:repo/deployments/:deploymentId/event`:
 * the `workflow_run` `completed` or `deployment` `created` event GitHub would have delivered, rebuilt from its REST
 * answers (`workflow_run` and `workflow`, or `deployment`; and `repository`). Unlike every other DTO these are
 * GitHub's own objects, because a manual start sends them to the pipeline as its `payload` (docs/triggers.md).
 */
export interface GithubEventDto {
  action: 'completed' | 'created';
  [field: string]: unknown;
}

/**
 * `GET /api/repos/:owner/:repo/jobs/:jobId/logs?start=N&length=M`: the answer is `text/plain`, its first line
 * `#log start=<first byte> end=<byte after the last> size=<bytes so far> complete=<true|false>`, with ` age=<ms>` after
 * it while the job runs (how long ago the backend read these bytes from GitHub), then the log's bytes
 * `start` to `end`. In the body, not in headers, because Gate's proxy passes on no response header but the content
 * type, and as text, not JSON, because Gate re-parses a body that starts with `{`. `end` never splits a UTF-8
 * character; ask for the next range from `end`. Without `start` and `length`, the answer is the whole log as plain
 * text, without that first line.
 */
export interface LogRangeDto {
  start: number;
  end: number;
  size: number;
  complete: boolean;
  /** Milliseconds since the backend read a running job's log from GitHub; absent once the job has completed. */
  age?: number;
}
