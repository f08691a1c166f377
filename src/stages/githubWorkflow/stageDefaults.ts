import type { GithubWorkflowStage } from './types';

/** Written into a new stage by Deck (the stage config's `defaults`) and assumed by the editor for older stages. */
export const STAGE_DEFAULTS: Pick<GithubWorkflowStage, 'dispatchType' | 'waitForCompletion'> = {
  dispatchType: 'workflow_dispatch',
  waitForCompletion: true,
};
