import type { Logger } from 'pino';
import { later, systemClock, type Clock } from '../clock.js';
import { LoopWorker } from '../workLoop.js';
import type { GithubApp } from '../github/githubApp.js';
import { REVALIDATE } from '../github/readCache.js';
import type { Execution, Gate } from '../spinnaker/gate.js';
import {
  backoff,
  claimDueDeploymentLinks,
  claimDueStatusUpdates,
  drainDue,
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
  type Store,
} from '../store/index.js';
import type { DeploymentState, LinkState } from '../store/schema.js';

/** What a worker that shows Spinnaker executions on GitHub needs: deployment statuses here, check runs in checkRuns.ts. */
export interface ExecutionReporterOptions {
  store: Store;
  github: GithubApp;
  gate: Gate;
  logger: Logger;
  /** Where poll, retry and lease times come from; tests move theirs forward instead of waiting. */
  clock?: Clock;
  /** SPINNAKER_UI_URL: Deck's base URL, for the links written to GitHub. */
  spinnakerUiUrl: string;
  /** Read an execution this long after it started when no Echo event came, then back off to `maxPollMs`. */
  firstPollMs?: number;
  maxPollMs?: number;
  /** Retry delay of a write GitHub did not accept; doubles up to `maxRetryMs`. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  /** How often the worker looks for due work when nothing wakes it. */
  tickMs?: number;
  /** How long a claimed row is this replica's alone; longer than a GitHub or Gate request can take. */
  leaseMs?: number;
}

export interface DeploymentStatusesOptions extends ExecutionReporterOptions {
  maxAttempts?: number;
}

/** Orca's execution statuses (orca ExecutionStatus) as a link's end state; undefined while it goes on. */
export function linkStateOf(status: string): Exclude<LinkState, 'running' | 'gone'> | undefined {
  if (status === 'SUCCEEDED' || status === 'SKIPPED') return 'succeeded';
  if (status === 'TERMINAL' || status === 'STOPPED' || status === 'FAILED_CONTINUE') return 'failed';
  if (status === 'CANCELED') return 'canceled';
  return undefined;
}

const GITHUB_DESCRIPTION_MAX = 140;
const clip = (text: string) =>
  text.length > GITHUB_DESCRIPTION_MAX ? `${text.slice(0, GITHUB_DESCRIPTION_MAX - 1)}…` : text;

/**
 * The final state of a deployment started several pipelines: it waits for all of them, then the worst outcome
 * wins: a failed pipeline makes it `failure`; else a cancelled or deleted one makes it `error`; else `success`.
 */
export function finalStateOf(
  links: DeploymentLink[],
): { state: DeploymentState; link: DeploymentLink; description: string } | undefined {
  if (!links.length || links.some((link) => link.state === 'running')) return undefined;
  const pick = (state: LinkState) => links.find((link) => link.state === state);
  const several = links.length > 1 ? ` (${links.length} pipelines)` : '';
  const failed = pick('failed');
  if (failed)
    return {
      state: 'failure',
      link: failed,
      description: `Spinnaker pipeline ${failed.pipelineName} failed${several}`,
    };
  const canceled = pick('canceled');
  if (canceled) {
    return {
      state: 'error',
      link: canceled,
      description: `Spinnaker pipeline ${canceled.pipelineName} was cancelled${several}`,
    };
  }
  const gone = pick('gone');
  if (gone) {
    return {
      state: 'error',
      link: gone,
      description: `Spinnaker execution of ${gone.pipelineName} was deleted before it finished${several}`,
    };
  }
  const first = links[0] as DeploymentLink;
  return {
    state: 'success',
    link: first,
    description:
      links.length > 1
        ? `All ${links.length} Spinnaker pipelines succeeded`
        : `Spinnaker pipeline ${first.pipelineName} succeeded`,
  };
}

/** `environment_url` from a trigger parameter or a stage output of that name, when it is an http(s) URL. */
function environmentUrlOf(execution: Execution | undefined, name: string | null): string | null {
  if (!execution || !name) return null;
  const parameters = (execution.trigger?.parameters ?? {}) as Record<string, unknown>;
  const outputs = (execution.stages ?? []).map((stage) => stage.outputs?.[name]).filter((value) => value !== undefined);
  const value = outputs.at(-1) ?? parameters[name];
  return typeof value === 'string' && /^https?:\/\/\S+$/.test(value) ? value : null;
}

/**
 * GitHub deployment statuses that follow the pipelines a deployment started: `in_progress` when the first starts,
 * then the final state once all have ended. The end is learnt from Echo's events (a nudge: the execution is read
 * back from Gate, so a forged event changes nothing) and, when events are missed, by polling Gate with backoff.
 * Every status is stored before it is sent, sent at most once, and retried when GitHub fails.
 */
export class DeploymentStatuses extends LoopWorker {
  private readonly clock: Clock;

  constructor(private readonly options: DeploymentStatusesOptions) {
    super({
      intervalMs: options.tickMs ?? 1000,
      onError: (error) => options.logger.error({ err: error }, 'deployment status work failed'),
      stopped: true,
    });
    this.clock = options.clock ?? systemClock;
  }

  /** Called when a pipeline was started for a deployment. */
  async pipelineStarted(start: {
    executionId: string;
    application: string;
    pipelineName: string;
    trigger: Record<string, unknown>;
  }): Promise<void> {
    const { store } = this.options;
    const { trigger } = start;
    const [owner = '', repo = ''] = String(trigger.repository ?? '').split('/');
    const deploymentId = Number(trigger.deploymentId);
    const environmentUrlFrom =
      typeof trigger.environmentUrlFrom === 'string' && trigger.environmentUrlFrom ? trigger.environmentUrlFrom : null;
    await recordDeploymentLink(
      store.db,
      {
        executionId: start.executionId,
        deploymentId,
        owner,
        repo,
        application: start.application,
        pipelineName: start.pipelineName,
        environmentUrlFrom,
      },
      later(this.clock, this.options.firstPollMs ?? 30_000),
      this.clock.now(),
    );
    await queueStatusUpdate(
      store.db,
      {
        deploymentId,
        state: 'in_progress',
        owner,
        repo,
        description: clip(`Spinnaker pipeline ${start.pipelineName} is running`),
        logUrl: this.executionUrl(start.application, start.executionId),
        environmentUrl: null,
      },
      this.clock.now(),
    );
    this.wake();
  }

  /** An execution Echo says changed: read it back and settle its link. Unknown executions are ignored. */
  async executionEvent(executionId: string): Promise<boolean> {
    const link = await findDeploymentLink(this.options.store.db, executionId);
    if (!link || link.state !== 'running') return false;
    await this.check(link);
    this.wake();
    return true;
  }

  /**
   * Checks the executions and sends the statuses that were due when it was called (`drainDue` in workQueue.ts).
   * For tests and the worker loop.
   */
  async drain(): Promise<void> {
    const { store, leaseMs = 60_000 } = this.options;
    await drainDue(
      this.clock,
      (at) => claimDueDeploymentLinks(store, { ...at, leaseMs }),
      (link) => this.check(link),
    );
    // After the checks, so that the final status a check just queued is sent in this call.
    const waiting = new Map<number, Date>();
    await drainDue(
      this.clock,
      (at) => claimDueStatusUpdates(store, { ...at, leaseMs }),
      async (update) => {
        // A later status of a deployment whose earlier one just failed waits for that one's retry.
        const after = waiting.get(update.deploymentId);
        if (after)
          await releaseStatusUpdate(store.db, { deploymentId: update.deploymentId, state: update.state }, after);
        else {
          const retryAt = await this.send(update);
          if (retryAt) waiting.set(update.deploymentId, retryAt);
        }
      },
    );
  }

  private executionUrl(application: string, executionId: string): string {
    const base = this.options.spinnakerUiUrl.replace(/\/+$/, '');
    return `${base}/#/applications/${encodeURIComponent(application)}/executions/details/${encodeURIComponent(executionId)}`;
  }

  /** Reads the execution from Gate and ends the link when the execution has ended (or is gone). */
  private async check(link: DeploymentLink): Promise<void> {
    const { store, gate, logger } = this.options;
    let ended: { state: Exclude<LinkState, 'running'>; reason?: string; environmentUrl?: string | null } | undefined;
    try {
      const execution = await gate.getExecution(link.executionId);
      if (!execution) {
        ended = { state: 'gone', reason: 'the execution no longer exists in Spinnaker' };
        logger.warn(
          { execution: link.executionId, deployment: link.deploymentId },
          'execution deleted; ending its deployment link',
        );
      } else {
        const state = linkStateOf(execution.status);
        if (state) {
          ended = {
            state,
            reason: execution.status,
            environmentUrl: environmentUrlOf(execution, link.environmentUrlFrom),
          };
        }
      }
    } catch (error) {
      logger.warn({ err: error, execution: link.executionId }, 'could not read the execution; will poll again');
    }
    if (!ended) {
      const delay = backoff(link.checks + 1, {
        baseMs: this.options.firstPollMs ?? 30_000,
        maxMs: this.options.maxPollMs ?? 300_000,
      });
      await updateDeploymentLink(
        store.db,
        link.executionId,
        { nextCheckAt: later(this.clock, delay) },
        this.clock.now(),
      );
      return;
    }
    if (!(await updateDeploymentLink(store.db, link.executionId, ended, this.clock.now()))) return;
    const final = finalStateOf(await linksOfDeployment(store.db, link.deploymentId));
    if (!final) return;
    await queueStatusUpdate(
      store.db,
      {
        deploymentId: link.deploymentId,
        state: final.state,
        owner: link.owner,
        repo: link.repo,
        description: clip(final.description),
        logUrl: this.executionUrl(final.link.application, final.link.executionId),
        environmentUrl: final.state === 'success' ? final.link.environmentUrl : null,
      },
      this.clock.now(),
    );
  }

  /** Sends one status; answers when it will be tried again if it failed and may still succeed. */
  private async send(update: StatusUpdate): Promise<Date | undefined> {
    const { store, github, logger } = this.options;
    const key = { deploymentId: update.deploymentId, state: update.state };
    const log = logger.child({
      deployment: update.deploymentId,
      repository: `${update.owner}/${update.repo}`,
      state: update.state,
    });
    const leaseMs = this.options.leaseMs ?? 60_000;
    if (!(await renewStatusLease(store.db, update, later(this.clock, leaseMs)))) {
      log.warn('deployment status left alone: its lease ran out and another replica took it');
      return undefined;
    }
    try {
      const client = await github.forRepo(update.owner, update.repo);
      const route = { owner: update.owner, repo: update.repo, deployment_id: update.deploymentId };
      // An earlier attempt may have reached GitHub before the process stopped: look before writing again.
      if (update.attempts > 0) {
        const { data: existing } = await client.request(
          'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
          {
            ...route,
            per_page: 100,
            headers: REVALIDATE,
          },
        );
        if (existing.some((status) => status.state === update.state && status.log_url === update.logUrl)) {
          await settleStatusUpdate(store.db, key, { sent: true });
          return undefined;
        }
      }
      await noteStatusAttempt(store.db, key, later(this.clock, leaseMs));
      await client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        ...route,
        state: update.state,
        log_url: update.logUrl,
        description: update.description,
        ...(update.environmentUrl ? { environment_url: update.environmentUrl } : {}),
      });
      await settleStatusUpdate(store.db, key, { sent: true });
      log.info('deployment status written');
      return undefined;
    } catch (error) {
      const status =
        (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
      const attempts = update.attempts + 1;
      // 404: the deployment (or the App's access to it) is gone; 422: GitHub refuses it. Neither gets better.
      if (status === 404 || status === 422 || attempts >= (this.options.maxAttempts ?? 10)) {
        await settleStatusUpdate(store.db, key, { failed: (error as Error).message });
        log.error({ err: error, attempts }, 'deployment status given up');
        return undefined;
      }
      const delay = backoff(attempts, {
        baseMs: this.options.retryBaseMs ?? 5_000,
        maxMs: this.options.maxRetryMs ?? 600_000,
      });
      const retryAt = later(this.clock, delay);
      await settleStatusUpdate(store.db, key, { retryAt, error: (error as Error).message });
      log.warn({ err: error, attempts, retryInMs: delay }, 'deployment status not written; will retry');
      return retryAt;
    }
  }
}
