import type { IStage } from '@spinnaker/core';

export type DispatchType = 'workflow_dispatch' | 'repository_dispatch';

export type InputValue = string | number | boolean;

/** The `githubWorkflow` stage as pipeline JSON saves it (CONTRACTS: "Stage: githubWorkflow"). */
export interface GithubWorkflowStage extends IStage {
  /** `owner/repo`; SpEL allowed. */
  repository: string;
  /** Defaults to `workflow_dispatch`. */
  dispatchType?: DispatchType;
  /** Workflow file name (`deploy.yml`) or numeric id; `workflow_dispatch` only. */
  workflow?: string;
  /** Branch or tag, never a commit sha; `workflow_dispatch` only. Defaults to the repository's default branch. */
  ref?: string;
  /** `workflow_dispatch` only. */
  inputs?: Record<string, InputValue>;
  /** `repository_dispatch` only. */
  eventType?: string;
  /**
   * `repository_dispatch` only. A JSON object; a string only while the editor holds text that is not one (the
   * validators then block saving) or when it is a SpEL expression for Orca to evaluate.
   */
  clientPayload?: Record<string, unknown> | string;
  /** Defaults to `true`: the stage ends with the run's conclusion; `false`: it ends once the run is found. */
  waitForCompletion?: boolean;
  /** An artifact the run uploads; with `propertyFile`, its keys become the stage outputs (docs/stage.md). */
  propertyArtifact?: string;
  /** The results file in `propertyArtifact`: `.json`, `.yml`, `.yaml` or `.properties`. */
  propertyFile?: string;
  /** Report the pipeline as a check run on the run's commit (docs/stage.md). */
  checkRun?: boolean;
}
