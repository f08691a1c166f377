import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { GithubApp } from './githubApp.js';
import { GithubReads } from './githubReads.js';
import type { JobRef } from './jobLogCache.js';
import { LogRefreshAllowance } from './logRefreshAllowance.js';

/** What the refresh policy keeps with each log on disk. */
export interface RefreshMarks {
  /** When GitHub was last asked whether the job has completed (see `completed`). */
  statusAt: number;
  /** When a refresh of this running log was last counted as put off. */
  deferredAt: number;
}

export interface LogRefreshesOptions {
  /** LOG_REFRESH_RATE_LIMIT_PERCENT / 100 (logRefreshAllowance.ts). */
  share: number;
  /** GITHUB_BUDGET_REPLICAS. */
  replicas: number;
  /** LOG_REFRESH_MS. */
  refreshMs: number;
  /** Whether the job has completed, as the run states say (`RunStates.jobCompleted`); undefined when they cannot. */
  jobCompleted: (job: JobRef) => Promise<boolean | undefined>;
  clock: Clock;
  registry?: Registry;
}

/** How often a running job's status is asked while its log's refreshes are put off: its last lines come within this. */
const STATUS_CHECK_MS = 10_000;

/**
 * When a running job's log is downloaded again, and whether its job has completed: the job log cache's policy for
 * running logs, apart from the cache's files and downloads.
 */
export class LogRefreshes {
  private readonly allowance: LogRefreshAllowance;
  private readonly reads: GithubReads;
  private readonly deferred?: Counter<'installation'>;

  constructor(
    private readonly github: GithubApp,
    private readonly options: LogRefreshesOptions,
  ) {
    this.allowance = new LogRefreshAllowance(github.requestBudgets, options);
    this.reads = new GithubReads(github);
    if (options.registry) {
      this.deferred = new Counter({
        name: 'github_log_refreshes_deferred_total',
        help: "Running jobs' logs served as they were on disk instead of downloaded again, to keep within the installation's rate limit (LOG_REFRESH_RATE_LIMIT_PERCENT)",
        labelNames: ['installation'],
        registers: [options.registry],
      });
    }
  }

  /**
   * Whether the job's running log may be downloaded again now (`refresh`): when the allowance of its installation lets
   * it; and, whatever the allowance, once the job has completed (`completed`), or its last lines (those that say why it
   * failed) would wait for the allowance, up to GitHub's hour (see `completed` for how often GitHub is asked).
   */
  async decide(job: JobRef, marks: RefreshMarks): Promise<'refresh' | 'completed' | 'wait'> {
    // Not known (the App's installation could not be looked up): the download says why.
    const installation = await this.github.installationIdFor(job.owner, job.repo).catch(() => undefined);
    if (installation === undefined || this.allowance.take(String(installation))) return 'refresh';
    if (await this.completed(job, marks, STATUS_CHECK_MS).catch(() => false)) return 'completed';
    // Once per interval, however many viewers' polls arrived together while the job's status was asked.
    const now = this.options.clock.now().getTime();
    if (now - marks.deferredAt >= this.options.refreshMs) {
      marks.deferredAt = now;
      this.deferred?.inc({ installation: String(installation) });
    }
    return 'wait';
  }

  /**
   * Whether the job has completed: as the run state says when it can (it checks a running job with GitHub itself once
   * its news is a minute old, in case its completed event was lost); else GitHub is asked once its last answer for the
   * log is `everyMs` old, and the answer is undefined until then. A log read after the job was seen completed is the
   * whole log. GitHub's job is revalidated with its ETag: the job may have completed within the read cache's fresh
   * window, and GitHub's 304, while the job runs unchanged, costs nothing against the rate limit. `marks` is undefined
   * before the log's first download.
   */
  async completed(job: JobRef, marks: RefreshMarks | undefined, everyMs: number): Promise<boolean | undefined> {
    const known = await this.options.jobCompleted(job).catch(() => undefined);
    if (known !== undefined) return known;
    if (marks) {
      const now = this.options.clock.now().getTime();
      if (now - marks.statusAt < everyMs) return undefined;
      marks.statusAt = now;
    }
    return (await this.reads.getJob({ ...job, revalidate: true })).status === 'completed';
  }
}
