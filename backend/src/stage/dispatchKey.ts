/** The stage a dispatch belongs to, as Orca's webhook stage describes it in every call (config/orca-local.yml). */
export interface StageRef {
  executionId: string;
  stageId: string;
  /** Differs when a user restarts the stage (same stage id), so a restart dispatches anew. */
  stageStartTime?: number | string;
}

/** The idempotency key of a dispatch: execution id, stage id and stage start time. */
export const dispatchKey = ({ executionId, stageId, stageStartTime }: StageRef): string =>
  [executionId, stageId, stageStartTime ?? ''].join('/');

/** The execution and stage a key names; undefined for a key not made by `dispatchKey`. */
export function stageOfKey(key: string): { executionId: string; stageId: string } | undefined {
  const [executionId, stageId, ...rest] = key.split('/');
  if (!executionId || !stageId || rest.length !== 1) return undefined;
  return { executionId, stageId };
}
