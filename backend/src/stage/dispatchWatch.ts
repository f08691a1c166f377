import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { Execution, Gate } from '../spinnaker/gate.js';
import { endDispatchWatch, unpolledDispatches, type Dispatch, type Store } from '../store/index.js';
import { LoopWorker } from '../workLoop.js';
import { stageOfKey } from './dispatchKey.js';
import type { StageRuns } from './stageRuns.js';

export interface DispatchWatchOptions {
  store: Store;
  gate: Gate;
  stageRuns: Pick<StageRuns, 'cancelDispatched'>;
  logger: Logger;
  clock?: Clock;
  /** How often the executions of unpolled dispatches are read from Gate. */
  intervalMs?: number;
  /** How long after its dispatch a stage is watched: longer than Orca retries the create call (5 minutes). */
  windowMs?: number;
}

/** Orca's stage statuses that end the create phase without a cancellation (ExecutionStatus in orca-api). */
const MOVED_ON = new Set(['SUCCEEDED', 'TERMINAL', 'FAILED_CONTINUE', 'SKIPPED', 'STOPPED', 'REDIRECT']);

/**
 * Orca sends its cancel (`cancelEndpoint`) only from MonitorWebhookTask, once it polls the run: a user who cancels
 * while Orca still retries the create call (our 503 while the run is not found yet) cancels nothing on GitHub
 * (SPINNAKER-FACTS.md). So the backend reads in Gate the execution of each dispatch Orca has not polled yet, and
 * cancels the run it dispatched when that stage was cancelled (docs/orca.md, "Cancelling").
 */
export class DispatchWatch extends LoopWorker {
  private readonly clock: Clock;

  constructor(private readonly options: DispatchWatchOptions) {
    super({
      intervalMs: options.intervalMs ?? 15_000,
      onError: (err) => options.logger.warn({ err }, 'checking unpolled dispatches in Gate failed; will try again'),
      stopped: true,
    });
    this.clock = options.clock ?? systemClock;
  }

  /** One pass over the dispatches Orca has not polled yet. */
  async drain(): Promise<void> {
    const { store, gate, logger } = this.options;
    const since = new Date(this.clock.now().getTime() - (this.options.windowMs ?? 10 * 60_000));
    const byExecution = new Map<string, { stageId: string; dispatch: Dispatch }[]>();
    for (const dispatch of await unpolledDispatches(store.db, since)) {
      const stage = stageOfKey(dispatch.key);
      if (!stage) continue;
      const group = byExecution.get(stage.executionId) ?? [];
      group.push({ stageId: stage.stageId, dispatch });
      byExecution.set(stage.executionId, group);
    }
    for (const [executionId, dispatches] of byExecution) {
      let execution: Execution | undefined;
      try {
        execution = await gate.getExecution(executionId);
      } catch (err) {
        logger.warn({ err, executionId }, 'could not read the execution of an unpolled dispatch from Gate');
        continue;
      }
      if (!execution) continue;
      for (const { stageId, dispatch } of dispatches) {
        // One failure (GitHub down) leaves this dispatch for the next pass, not the others.
        await this.settle(execution, stageId, dispatch).catch((err: unknown) =>
          logger.warn({ err, key: dispatch.key }, 'cancelling the run of a cancelled stage failed; will try again'),
        );
      }
    }
  }

  private async settle(execution: Execution, stageId: string, dispatch: Dispatch): Promise<void> {
    const { store, logger } = this.options;
    const stage = execution.stages?.find((candidate) => candidate.id === stageId);
    const status = stage?.status ?? (execution.canceled ? 'CANCELED' : execution.status);
    if (MOVED_ON.has(status)) {
      // Fire and forget (waitForCompletion false), or it ended otherwise: Orca is done with it, and so are we.
      await endDispatchWatch(store.db, dispatch.key, this.clock.now());
      return;
    }
    if (status !== 'CANCELED') return;
    const outcome = await this.options.stageRuns.cancelDispatched(dispatch);
    if (outcome.pending) return;
    logger.info(
      { executionId: execution.id, stageId, key: dispatch.key, cancelled: outcome.cancelled },
      'stage cancelled in Spinnaker before Orca polled its run: ' + outcome.message,
    );
    await endDispatchWatch(store.db, dispatch.key, this.clock.now());
  }
}
