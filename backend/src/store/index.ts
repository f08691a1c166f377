export { openStore, type Store, type StoreOptions } from './database.js';
export {
  claimDueDeliveries,
  DELIVERIES,
  markDeliveryFailed,
  markDeliveryProcessed,
  pruneDeliveryBodies,
  type ClaimedDelivery,
  type NewDelivery,
} from './deliveries.js';
export {
  claimedRunIds,
  deleteDispatch,
  endDispatchWatch,
  findDispatch,
  findDispatchByRun,
  markDispatchPolled,
  recordDispatch,
  setDispatchRun,
  unpolledDispatches,
  type Dispatch,
  type NewDispatch,
} from './dispatches.js';
export type { Database, DeliveryStatus } from './schema.js';
export {
  countPipelineStarts,
  failedPipelineStarts,
  markPipelineStartFailed,
  markPipelineStarted,
  notePipelineStartAttempt,
  pipelineStartsOf,
  prunePipelineStartTriggers,
  recordPipelineStarts,
  type PipelineStart,
} from './pipelineStarts.js';
export {
  claimDueDeploymentLinks,
  claimDueStatusUpdates,
  findDeploymentLink,
  linksOfDeployment,
  noteStatusAttempt,
  releaseStatusUpdate,
  renewStatusLease,
  queueStatusUpdate,
  recordDeploymentLink,
  settleStatusUpdate,
  updateDeploymentLink,
  type DeploymentLink,
  type StatusUpdate,
} from './deployments.js';
export {
  applyRunEvent,
  claimJobRead,
  findJobNews,
  findRunState,
  pruneRunStates,
  rankOf,
  saveJob,
  saveJobs,
  saveRun,
  type RunState,
} from './runStates.js';
export {
  backoff,
  claimDue,
  drainDue,
  renewLease,
  settle,
  type Claimed,
  type Settlement,
  type WorkQueue,
} from './workQueue.js';
export {
  checkRunsOfExecution,
  claimDueCheckRuns,
  followWithCheckRun,
  noteCheckRunCreate,
  nudgeCheckRuns,
  pollWanted,
  recordCheckRunSent,
  renewCheckRunLease,
  settleCheckRun,
  type CheckRunLink,
} from './checkRuns.js';
