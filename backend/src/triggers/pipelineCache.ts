import type { Logger } from 'pino';
import type { Gate } from '../spinnaker/gate.js';
import { DEPLOYMENT_TRIGGER, WORKFLOW_RUN_TRIGGER, type PipelineConfig } from './matching.js';

/**
 * The pipelines that have one of our triggers, read from Gate like Echo's pipeline cache reads front50: refreshed
 * in the background, and the last good list kept when Gate is briefly away. Until the first read succeeds there
 * is no list, and deliveries wait.
 */
export class PipelineCache {
  private pipelines: PipelineConfig[] | undefined;
  private fetchedAt = 0;
  private refreshing: Promise<PipelineConfig[]> | undefined;

  constructor(
    private readonly gate: Gate,
    private readonly logger: Logger,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Pipelines at most `maxAgeMs` old; throws when Gate has never answered. */
  async get(): Promise<PipelineConfig[]> {
    if (this.pipelines && Date.now() - this.fetchedAt < this.maxAgeMs) return this.pipelines;
    try {
      return await this.refresh();
    } catch (error) {
      if (!this.pipelines) throw error;
      this.logger.warn(
        { err: error, ageMs: Date.now() - this.fetchedAt },
        'using the last pipeline list: Gate did not answer',
      );
      return this.pipelines;
    }
  }

  refresh(): Promise<PipelineConfig[]> {
    this.refreshing ??= this.gate
      .listPipelineConfigs()
      .then((all) => {
        this.pipelines = all.filter((pipeline) =>
          (pipeline.triggers ?? []).some((t) => t.type === WORKFLOW_RUN_TRIGGER || t.type === DEPLOYMENT_TRIGGER),
        );
        this.fetchedAt = Date.now();
        return this.pipelines;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
