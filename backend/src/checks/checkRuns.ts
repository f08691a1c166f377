import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { later, systemClock, type Clock } from '../clock.js';
import type { GithubOctokit } from '../github/octokit.js';
import type { ExecutionReporterOptions } from '../deployments/deploymentStatuses.js';
import {
  backoff,
  claimDueCheckRuns,
  drainDue,
  followWithCheckRun,
  noteCheckRunCreate,
  nudgeCheckRuns,
  pollWanted,
  recordCheckRunSent,
  renewCheckRunLease,
  settleCheckRun,
  type CheckRunLink,
} from '../store/index.js';
import { LoopWorker } from '../workLoop.js';
import { checkRunBody, goneBody, type CheckRunBody } from './checkRunOutput.js';

export interface CheckRunsOptions extends ExecutionReporterOptions {
  /** GitHub failures in a row after which a check run is given up. */
  maxFailures?: number;
}

/** The trigger or stage field that asks for a check run (docs/triggers.md, docs/stage.md). */
export const CHECK_RUN_FIELD = 'checkRun';

/** Whether a saved trigger or stage asked for a check run: the checkbox writes `true`; SpEL may render `"true"`. */
export const wantsCheckRun = (fields: Record<string, unknown>) =>
  fields[CHECK_RUN_FIELD] === true || fields[CHECK_RUN_FIELD] === 'true';

const digest = (body: CheckRunBody) => createHash('sha256').update(JSON.stringify(body)).digest('base64url');

/** GitHub answers that do not get better by retrying: no access (403, the App lacks `checks: write`), gone, refused. */
const PERMANENT = new Set([403, 404, 422]);

/**
 * GitHub check runs that show Spinnaker executions on commits: one per execution and commit, created when the
 * execution is first read from Gate, updated as its stages move on, completed with its conclusion. Echo's events
 * make a check run due at once; without them Gate is polled with backoff. A claimed row is this replica's alone
 * (workQueue.ts); a create is counted before it is sent, so that after a crash the next attempt looks for the
 * check run by its `external_id` (the execution id) before creating one.
 */
export class CheckRuns extends LoopWorker {
  private readonly clock: Clock;

  constructor(private readonly options: CheckRunsOptions) {
    super({
      intervalMs: options.tickMs ?? 1000,
      onError: (error) => options.logger.error({ err: error }, 'check run work failed'),
      stopped: true,
    });
    this.clock = options.clock ?? systemClock;
  }

  /** A pipeline our trigger started: followed when its trigger asked for a check run. */
  async pipelineStarted(start: { executionId: string; trigger: Record<string, unknown> }): Promise<boolean> {
    const { trigger } = start;
    const [owner = '', repo = ''] = String(trigger.repository ?? '').split('/');
    const sha = typeof trigger.sha === 'string' ? trigger.sha : '';
    if (!wantsCheckRun(trigger) || !owner || !repo || !sha) return false;
    return this.follow({ executionId: start.executionId, owner, repo, headSha: sha });
  }

  /** Follows an execution with a check run on a commit (a GitHub Workflow stage's run's commit). */
  async follow(link: { executionId: string; owner: string; repo: string; headSha: string }): Promise<boolean> {
    const { added } = await followWithCheckRun(this.options.store.db, link, this.clock.now());
    if (added) this.wake();
    return added;
  }

  /** An execution Echo says changed: its check runs are read again now. Unknown executions are ignored. */
  async executionEvent(executionId: string): Promise<boolean> {
    const followed = await nudgeCheckRuns(this.options.store.db, executionId, this.clock.now());
    if (followed) this.wake();
    return followed > 0;
  }

  /** Handles every check run that was due when it was called (`drainDue` in workQueue.ts). For tests and the loop. */
  async drain(): Promise<void> {
    const { store, leaseMs = 60_000 } = this.options;
    await drainDue(
      this.clock,
      (at) => claimDueCheckRuns(store, { ...at, leaseMs }),
      (link) => this.handle(link),
    );
  }

  private detailsUrl(application: string, executionId: string): string {
    const base = this.options.spinnakerUiUrl.replace(/\/+$/, '');
    return `${base}/#/applications/${encodeURIComponent(application)}/executions/details/${encodeURIComponent(executionId)}`;
  }

  private async handle(link: CheckRunLink): Promise<void> {
    const { store, gate, logger, leaseMs = 60_000 } = this.options;
    const log = logger.child({ execution: link.executionId, repository: `${link.owner}/${link.repo}` });
    if (!(await renewCheckRunLease(store.db, link, later(this.clock, leaseMs)))) {
      log.warn('check run left alone: its lease ran out and another replica took it');
      return;
    }
    let body: CheckRunBody;
    try {
      const execution = await gate.getExecution(link.executionId);
      body = execution
        ? checkRunBody(link.executionId, execution, (app) => this.detailsUrl(app, link.executionId), this.clock.now())
        : goneBody(link.executionId, this.clock.now());
    } catch (error) {
      log.warn({ err: error }, 'could not read the execution for its check run; will poll again');
      await this.pollLater(link);
      return;
    }
    const ended = body.status === 'completed';
    if (ended && link.checkRunCompleted && link.checkRunId !== null) {
      // An event of an ended execution whose check run is completed: only a run again (a restart) needs a new one.
      await settleCheckRun(store.db, link, { done: true }, this.clock.now());
      return;
    }
    const hash = digest(body);
    if (hash !== link.sent || link.checkRunId === null) {
      const sent = await this.send(link, body, hash, log);
      if (!sent) return;
    }
    if (ended) await settleCheckRun(store.db, link, { done: true }, this.clock.now());
    else await this.pollLater(link);
  }

  private async pollLater(link: CheckRunLink): Promise<void> {
    const { store } = this.options;
    // An Echo event that came while this replica held the row asks for a read after the one just made.
    const wanted = await pollWanted(store.db, link);
    const delay = backoff(link.checks + 1, {
      baseMs: this.options.firstPollMs ?? 30_000,
      maxMs: this.options.maxPollMs ?? 300_000,
    });
    const nextCheckAt = wanted ? later(this.clock, 1) : later(this.clock, delay);
    await settleCheckRun(store.db, link, { nextCheckAt }, this.clock.now());
  }

  /** Creates or updates the check run; answers false when it failed (the row is then settled for a retry or ended). */
  private async send(link: CheckRunLink, body: CheckRunBody, hash: string, log: Logger): Promise<boolean> {
    const { store, github } = this.options;
    const route = { owner: link.owner, repo: link.repo };
    try {
      const client = await github.forRepo(link.owner, link.repo);
      // GitHub keeps a completed check run's status and conclusion for good: a restarted execution gets a new check
      // run with the same name, which GitHub (and branch protection) then shows for the commit.
      let checkRunId = link.checkRunCompleted ? null : link.checkRunId;
      // An earlier attempt may have created it before the process stopped: look before creating again.
      if (link.checkRunId === null && link.attempts > 0) checkRunId = await this.find(client, link, body.name);
      if (checkRunId === null) {
        if (!body.name) {
          // Deleted from Spinnaker before its check run was ever created: nothing to show.
          await settleCheckRun(store.db, link, { done: true }, this.clock.now());
          return false;
        }
        await noteCheckRunCreate(store.db, link);
        const { data } = await client.request('POST /repos/{owner}/{repo}/check-runs', {
          ...route,
          ...body,
          name: body.name,
          head_sha: link.headSha,
        });
        checkRunId = Number(data.id);
        log.info({ checkRun: checkRunId, status: body.status }, 'check run created');
      } else {
        await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          ...route,
          ...body,
          check_run_id: checkRunId,
        });
        log.info({ checkRun: checkRunId, status: body.status, conclusion: body.conclusion }, 'check run updated');
      }
      await recordCheckRunSent(store.db, link, { checkRunId, digest: hash, completed: body.status === 'completed' });
      return true;
    } catch (error) {
      const status = (error as { status?: number }).status;
      const failures = link.failures + 1;
      const message = (error as Error).message;
      if ((status !== undefined && PERMANENT.has(status)) || failures >= (this.options.maxFailures ?? 10)) {
        await settleCheckRun(store.db, link, { failed: message }, this.clock.now());
        log.error(
          { err: error, failures },
          status === 403
            ? 'check run given up: GitHub refused it; the GitHub App needs the "Checks: Read and write" permission (docs/github-app.md)'
            : 'check run given up',
        );
        return false;
      }
      const delay = backoff(failures, {
        baseMs: this.options.retryBaseMs ?? 5_000,
        maxMs: this.options.maxRetryMs ?? 600_000,
      });
      await settleCheckRun(store.db, link, { retryAt: later(this.clock, delay), error: message }, this.clock.now());
      log.warn({ err: error, failures, retryInMs: delay }, 'check run not written; will retry');
      return false;
    }
  }

  /**
   * The check run an earlier attempt created for this execution on the commit, found by its external id; when it
   * was to replace a completed one, only a check run still open is that attempt's.
   */
  private async find(client: GithubOctokit, link: CheckRunLink, name: string | undefined): Promise<number | null> {
    const runs = await client.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: link.owner,
      repo: link.repo,
      ref: link.headSha,
      check_name: name,
      filter: 'all',
      per_page: 100,
    });
    const found = runs.find(
      (run) => run.external_id === link.executionId && !(link.checkRunCompleted && run.status === 'completed'),
    );
    return found ? Number(found.id) : null;
  }
}
