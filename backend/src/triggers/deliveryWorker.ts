import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { later, systemClock, type Clock } from '../clock.js';
import { LoopWorker } from '../workLoop.js';
import { GateError, type Gate } from '../spinnaker/gate.js';
import {
  backoff,
  claimDueDeliveries,
  countPipelineStarts,
  DELIVERIES,
  drainDue,
  markDeliveryFailed,
  markDeliveryProcessed,
  markPipelineStartFailed,
  markPipelineStarted,
  notePipelineStartAttempt,
  pipelineStartsOf,
  recordPipelineStarts,
  renewLease,
  type ClaimedDelivery,
  type PipelineStart,
  type Store,
} from '../store/index.js';
import { eventOf, MalformedPayloadError, matchPipelines } from './matching.js';
import type { PipelineCache } from './pipelineCache.js';
import { triggerFor } from './triggerFacts.js';

/**
 * How far behind ours Orca's clock may be when it stamps an execution's build time. An earlier attempt's execution is
 * looked for among those built since the start was recorded, less this; servers kept by NTP are within a second.
 */
const CLOCK_SKEW_MS = 10 * 60_000;

export interface DeliveryWorkerOptions {
  store: Store;
  gate: Gate;
  pipelines: PipelineCache;
  logger: Logger;
  registry?: Registry;
  /** Where retry and lease times come from; tests move theirs forward instead of waiting. */
  clock?: Clock;
  /** How often stored deliveries are looked at when nothing wakes the worker. */
  pollMs?: number;
  /** First retry delay of a failed pipeline start; doubles each time up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Attempts before a pipeline start is kept as failed. */
  maxAttempts?: number;
  /** How long claimed deliveries are this replica's alone; longer than processing 20 of them can take. */
  leaseMs?: number;
  /** Told of every pipeline started (deployment statuses follow the ones started for deployments). */
  onStarted?: (start: PipelineStart, executionId: string) => Promise<void>;
  /** Told of every delivery before its triggers are matched (run states follow `workflow_run`/`workflow_job`). */
  onEvent?: (event: string, payload: unknown) => Promise<void>;
}

/**
 * Processes stored webhook deliveries: matches each against the pipelines' triggers once, records the
 * (delivery, pipeline) pairs, and starts each pipeline through Gate at most once. Failed starts are retried with
 * backoff, then kept as failed (GET /api/pipeline-starts?status=failed, metric github_pipeline_starts_failed).
 */
export class DeliveryWorker extends LoopWorker {
  private readonly starts: Counter<'result'> | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: DeliveryWorkerOptions) {
    super({
      intervalMs: options.pollMs ?? 1000,
      onError: (error) => options.logger.error({ err: error }, 'processing webhook deliveries failed'),
      stopped: false,
    });
    this.clock = options.clock ?? systemClock;
    const { registry, store } = options;
    if (registry) {
      this.starts = new Counter({
        name: 'github_pipeline_starts_total',
        help: 'Pipeline start attempts through Gate, by result: started, retry, failed (given up)',
        labelNames: ['result'],
        registers: [registry],
      });
      new Gauge({
        name: 'github_pipeline_starts_failed',
        help: 'Pipeline starts given up on, kept for an operator to look at',
        registers: [registry],
        async collect() {
          this.set(await countPipelineStarts(store.db, 'failed'));
        },
      });
    }
  }

  /** Handles every delivery that was due when it was called, then returns (`drainDue` in workQueue.ts). */
  async drain(): Promise<void> {
    const leaseMs = this.options.leaseMs ?? 60_000;
    await drainDue(
      this.clock,
      (at) => claimDueDeliveries(this.options.store, { ...at, limit: 20, leaseMs }),
      (delivery) => this.process(delivery),
    );
  }

  private async process(delivery: ClaimedDelivery): Promise<void> {
    const { store, logger } = this.options;
    const log = logger.child({ delivery: delivery.id, event: delivery.event, action: delivery.action });
    // The batch's lease started at the claim; each delivery gets a whole lease of its own, if it is still ours.
    const leaseMs = this.options.leaseMs ?? 60_000;
    if (
      !(await renewLease(store.db, DELIVERIES, { id: delivery.id }, delivery.leaseUntil, later(this.clock, leaseMs)))
    ) {
      log.warn('delivery left alone: its lease ran out and another replica took it');
      return;
    }
    try {
      const payload: unknown = JSON.parse(delivery.payload);
      await this.options.onEvent?.(delivery.event, payload);
      const event = eventOf(delivery.event, payload);
      if (event) {
        // Matched once: a later attempt starts the pipelines this delivery matched then, whatever changed since.
        if (delivery.attempt <= 1 || !(await pipelineStartsOf(store.db, delivery.id)).length) {
          const matches = matchPipelines(event, await this.options.pipelines.get(), log);
          await recordPipelineStarts(
            store.db,
            delivery.id,
            matches.map((match) => ({
              pipelineId: match.pipeline.id,
              application: match.pipeline.application,
              pipelineName: match.pipeline.name,
              trigger: triggerFor(match, event, delivery.id, payload),
            })),
            this.clock.now(),
          );
          log.info(
            { pipelines: matches.map((m) => `${m.pipeline.application}/${m.pipeline.name}`) },
            'delivery matched',
          );
        }
        const starts = await pipelineStartsOf(store.db, delivery.id);
        // A worker that died between starting a pipeline and finishing the delivery may not have told `onStarted`;
        // telling it again is harmless (deployment links and statuses are insert-if-absent).
        if (delivery.attempt > 1) {
          for (const start of starts) {
            if (start.status === 'started' && start.executionId)
              await this.options.onStarted?.(start, start.executionId);
          }
        }
        const pending = starts.filter((start) => start.status === 'pending');
        const results = await Promise.all(pending.map((start) => this.startPipeline(start)));
        const retryIn = results.filter((delay): delay is number => delay !== undefined);
        if (retryIn.length) {
          await markDeliveryFailed(store.db, delivery.id, 'some pipelines could not be started yet', {
            retryAt: later(this.clock, Math.min(...retryIn)),
          });
          return;
        }
      }
      await markDeliveryProcessed(store.db, delivery.id, this.clock.now());
    } catch (error) {
      if (error instanceof MalformedPayloadError) {
        log.error({ err: error }, 'delivery given up: its body is not what GitHub sends');
        await markDeliveryFailed(store.db, delivery.id, error.message, { final: true });
        return;
      }
      // Gate's pipeline list unavailable, the database briefly gone: the whole delivery is tried again.
      const delay = this.delay(delivery.attempt);
      log.warn({ err: error, retryInMs: delay }, 'delivery not processed; will retry');
      await markDeliveryFailed(store.db, delivery.id, (error as Error).message, {
        retryAt: later(this.clock, delay),
      });
    }
  }

  /** Starts one pipeline; answers the delay before the next attempt, or undefined when done (started or given up). */
  private async startPipeline(start: PipelineStart): Promise<number | undefined> {
    const { store, gate, logger } = this.options;
    const key = { deliveryId: start.deliveryId, pipelineId: start.pipelineId };
    const log = logger.child({
      delivery: start.deliveryId,
      application: start.application,
      pipeline: start.pipelineName,
    });
    try {
      // An earlier attempt may have reached Gate before the process stopped: look for its execution first.
      if (start.attempts > 0) {
        const triggerType = String(start.trigger.type);
        // Orca stamps the execution with its own clock, which may be behind ours.
        const since = new Date(start.createdAt.getTime() - CLOCK_SKEW_MS);
        const executions = await gate.findExecutionsByEvent(start.application, triggerType, start.deliveryId, since);
        const found = executions.find((execution) => execution.pipelineConfigId === start.pipelineId);
        if (found) {
          await markPipelineStarted(store.db, key, found.id);
          await this.options.onStarted?.(start, found.id);
          log.info({ execution: found.id }, 'pipeline had already been started');
          return undefined;
        }
      }
      await notePipelineStartAttempt(store.db, key);
      const user = typeof start.trigger.user === 'string' ? start.trigger.user : undefined;
      const executionId = await gate.startPipeline(start.application, start.pipelineId, start.trigger, user);
      await markPipelineStarted(store.db, key, executionId || null);
      this.starts?.inc({ result: 'started' });
      if (executionId) await this.options.onStarted?.(start, executionId);
      log.info({ execution: executionId }, 'pipeline started');
      return undefined;
    } catch (error) {
      const attempts = start.attempts + 1;
      const final = (error instanceof GateError && error.permanent) || attempts >= (this.options.maxAttempts ?? 8);
      await markPipelineStartFailed(store.db, key, (error as Error).message, { final });
      this.starts?.inc({ result: final ? 'failed' : 'retry' });
      if (final) {
        log.error({ err: error, attempts }, 'pipeline could not be started; kept as failed');
        return undefined;
      }
      // A start Gate did not answer may still be under way there: give it time to show up in the execution search
      // the next attempt makes first, or the pipeline would be started twice.
      const delay =
        error instanceof GateError && error.timedOut
          ? Math.max(this.delay(attempts), 2 * gate.timeoutMs)
          : this.delay(attempts);
      log.warn({ err: error, attempts, retryInMs: delay }, 'pipeline could not be started; will retry');
      return delay;
    }
  }

  private delay(attempt: number): number {
    return backoff(attempt, {
      baseMs: this.options.retryBaseMs ?? 5_000,
      maxMs: this.options.maxRetryDelayMs ?? 600_000,
    });
  }
}
