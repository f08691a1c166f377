// Wire types of the backend's read API, from the one file both sides read: `export type` only, so nothing of
// backend/ reaches the bundle, and a change there fails `npm run typecheck` wherever the plugin disagrees.
export type {
  BranchDto,
  DeploymentDto,
  GithubEventDto,
  ErrorBody,
  JobDto,
  ListDto,
  LogRangeDto,
  RepositoryDto,
  RunDto,
  RunStatus,
  StageArtifactDto,
  StepDto,
  WorkflowDto,
  WorkflowInputDto,
  WorkflowInputsDto,
  WorkflowInputType,
} from '../../backend/src/contract';
