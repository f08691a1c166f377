import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock.js';
import type { JobDto, RunDto } from '../contract.js';
import { messageOf } from '../errors.js';
import type { GithubReads } from '../github/githubReads.js';
import type { JobRef } from '../github/jobLogCache.js';
import {
  applyRunEvent,
  claimJobRead,
  findJobNews,
  findRunState,
  saveJob,
  saveJobs,
  saveRun,
  type RunState,
  type Store,
} from '../store/index.js';
import { FAILED } from './runStatus.js';
import { runEventOf } from './runEvents.js';

export interface RunStatesOptions {
  store: Store;
  reads: GithubReads;
  logger: Logger;
  clock?: Clock;
  /**
   * The longest a lost event may hold back a stage's end, at Orca's cadence (RUN_EVENT_FALLBACK_MS): GitHub is read
   * again once a run has had no event for this interval less Orca's poll interval (`quietMs`).
   */
  fallbackMs?: number;
  registry?: Registry;
}

type RunRef = { owner: string; repo: string; runId: number };

const repoKey = ({ owner, repo }: { owner: string; repo: string }) => `${owner}/${repo}`.toLowerCase();

const sameRepo = (state: RunState, ref: RunRef) => repoKey(state) === repoKey(ref);

const unchanged = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * How old the news of a running job may be before GitHub is asked whether it has completed (`jobCompleted`): its
 * completed event may have been lost, while the run's other jobs go on.
 */
export const LOST_JOB_EVENT_MS = 60_000;

/** Orca polls a running stage every 15 s after its first minute (MonitorWebhookTask.getDynamicBackoffPeriod). */
const ORCA_POLL_MS = 15_000;

/**
 * How long a run may be quiet before GitHub is read: the fallback interval less Orca's poll interval, so that the
 * poll that notices a lost end comes within the fallback interval (half of it, for intervals under 30 s).
 */
export const quietMsOf = (fallbackMs: number) => fallbackMs - Math.min(ORCA_POLL_MS, fallbackMs / 2);

/**
 * The jobs a completed run reports may be older than its end (a `workflow_job` event lost or still on its way, a
 * viewer's cached read): then the jobs are read once more, so that the outcome Orca keeps names the jobs that failed.
 */
function jobsBehind(run: RunDto, jobs: JobDto[]): boolean {
  if (run.status !== 'completed') return false;
  if (!jobs.length || jobs.some((job) => job.status !== 'completed')) return true;
  const failed = run.conclusion !== null && FAILED.has(run.conclusion);
  return failed && !jobs.some((job) => job.conclusion !== null && FAILED.has(job.conclusion));
}

/**
 * The state of the runs the backend follows: the runs its stages dispatched and the runs Orca and viewers read.
 * Once GitHub's `workflow_run` or `workflow_job` events arrive for a run, reads are answered from the stored state,
 * and GitHub is read again only when the run has been quiet for `quietMsOf(fallbackMs)` (an event lost, webhooks down), or a
 * completed run's jobs are behind. A run no event has reached (an App not subscribed to them, a run followed before
 * its first event) is read from GitHub as before, through the read cache. The state is in the database, so every
 * replica answers alike and a restart keeps it.
 */
export class RunStates {
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly applied: Counter<'kind' | 'followed'> | undefined;
  private readonly reads: Counter<'reason'> | undefined;
  /** Repositories whose runs in progress are being listed, so that concurrent polls share one listing. */
  private readonly listings = new Map<string, Promise<void>>();
  /** When each repository's runs in progress were last listed: a quiet run missing from a later listing is not running. */
  private readonly listedAt = new Map<string, number>();
  /** Jobs being read from GitHub by `jobCompleted`, so that concurrent questions share one read. */
  private readonly jobReads = new Map<number, Promise<JobDto | undefined>>();

  constructor(private readonly options: RunStatesOptions) {
    this.clock = options.clock ?? systemClock;
    this.quietMs = quietMsOf(options.fallbackMs ?? 60_000);
    if (options.registry) {
      this.applied = new Counter({
        name: 'github_run_events_total',
        help: 'workflow_run and workflow_job events received, by kind (run, job) and whether the run is followed',
        labelNames: ['kind', 'followed'],
        registers: [options.registry],
      });
      this.reads = new Counter({
        name: 'github_run_state_reads_total',
        help: 'Runs or jobs read from GitHub for the run state, by reason: no_events, quiet_repository (runs in progress listed), quiet (one run read), jobs_behind, quiet_job (a running job whose log is read)',
        labelNames: ['reason'],
        registers: [options.registry],
      });
    }
  }

  /** Applies a stored `workflow_run` or `workflow_job` delivery to the run it reports, if that run is followed. */
  async apply(event: string, payload: unknown): Promise<void> {
    const parsed = runEventOf(event, payload);
    if (!parsed) return;
    const { db } = this.options.store;
    const now = this.clock.now();
    const followed =
      parsed.kind === 'run'
        ? await applyRunEvent(db, parsed.run, now)
        : await saveJobs(
            db,
            { runId: parsed.job.runId, jobs: [parsed.job], runAttempt: parsed.runAttempt, source: 'event' },
            now,
          );
    this.applied?.inc({ kind: parsed.kind, followed: String(followed) });
  }

  /** Starts following a run the backend has just read (a dispatch's run). */
  async follow(ref: RunRef, run: RunDto): Promise<void> {
    await saveRun(this.options.store.db, { owner: ref.owner, repo: ref.repo, run, source: 'read' }, this.clock.now());
  }

  /** The run and its jobs, as Orca's poll needs them. */
  async status(ref: RunRef): Promise<{ run: RunDto; jobs: JobDto[] }> {
    const { state, stored } = await this.current(ref);
    if (state) return { run: state.run, jobs: await this.jobsOf(ref, state) };
    const { reads } = this.options;
    const [run, cachedJobs] = await Promise.all([reads.getRun(ref), reads.listJobs(ref)]);
    this.reads?.inc({ reason: 'no_events' });
    // A viewer's cached read of the jobs may predate the run's end: read past the cache's window, conditionally.
    const stale = run.status === 'completed' && cachedJobs.some((job) => job.status !== 'completed');
    const jobs = stale ? await reads.listJobs({ ...ref, revalidate: true }) : cachedJobs;
    await this.store(ref, run, jobs, stored);
    return { run, jobs };
  }

  /** The run, for a viewer. */
  async run(ref: RunRef): Promise<RunDto> {
    const { state, stored } = await this.current(ref);
    if (state) return state.run;
    const run = await this.options.reads.getRun(ref);
    this.reads?.inc({ reason: 'no_events' });
    await this.store(ref, run, undefined, stored);
    return run;
  }

  /** The run's jobs (of its latest attempt), for a viewer. */
  async jobs(ref: RunRef): Promise<JobDto[]> {
    const { state, stored } = await this.current(ref);
    if (state) return this.jobsOf(ref, state);
    const jobs = await this.options.reads.listJobs(ref);
    this.reads?.inc({ reason: 'no_events' });
    if (stored && !unchanged(stored.jobs, jobs))
      await saveJobs(
        this.options.store.db,
        { runId: ref.runId, jobs, runAttempt: stored.run.runAttempt, source: 'read' },
        this.clock.now(),
      );
    return jobs;
  }

  /**
   * Whether a job of a followed run has completed, as the run's state says while events keep it current (the job log
   * cache asks it at each refresh of a running log, instead of reading the job from GitHub). A job the state says
   * runs is read from GitHub once its news is `LOST_JOB_EVENT_MS` old, by the replica that claims the read (one that
   * fails waits as long again): its completed event may have been lost (or the App is not subscribed to
   * `workflow_job`), and a run still going on is not read again until it ends. What GitHub says is kept, so the run's
   * job list and Orca's poll learn it too. Undefined when the state cannot say: no followed run has the job, no event
   * has reached its run, or the job is of an earlier attempt.
   */
  async jobCompleted({ owner, repo, jobId }: JobRef): Promise<boolean | undefined> {
    // One lookup for the run and the job's news: asked at every refresh of every running log watched. When the run is
    // read again below and that changes the job's row, this news is older than the row and the claim fails: that read
    // brought the job already.
    const news = await findJobNews(this.options.store.db, jobId);
    if (!news) return undefined;
    const ref = { owner, repo, runId: news.runId };
    const { state } = await this.current(ref);
    if (!state) return undefined;
    const job = (await this.jobsOf(ref, state)).find((each) => each.id === jobId);
    if (!job) return undefined;
    if (job.status === 'completed') return true;
    if (this.clock.now().getTime() - news.updatedAt.getTime() < LOST_JOB_EVENT_MS) return false;
    const read = await this.readJob({ ...ref, jobId }, state.run.runAttempt, news.updatedAt);
    return read?.status === 'completed';
  }

  /**
   * The job as GitHub has it now, kept in the run state; undefined when another replica claimed the read (it keeps
   * the answer for all), or GitHub could not be asked.
   */
  private readJob(ref: RunRef & JobRef, runAttempt: number, heard: Date): Promise<JobDto | undefined> {
    let read = this.jobReads.get(ref.jobId);
    if (!read) {
      read = (async () => {
        const { db } = this.options.store;
        if (!(await claimJobRead(db, ref.jobId, heard, this.clock.now()))) return undefined;
        let job: JobDto;
        try {
          job = await this.options.reads.getJob({ ...ref, revalidate: true });
        } catch (error) {
          // The message only: a GitHub error's cause holds the request, with its token.
          const reason = messageOf(error);
          this.options.logger.warn(
            { ...ref, reason },
            'could not read a running job from GitHub; asking again in a minute',
          );
          return undefined;
        }
        this.reads?.inc({ reason: 'quiet_job' });
        await saveJob(db, { runId: ref.runId, job, runAttempt }, this.clock.now());
        return job;
      })().finally(() => this.jobReads.delete(ref.jobId));
      this.jobReads.set(ref.jobId, read);
    }
    return read;
  }

  /**
   * The stored state when events keep it current; read again from GitHub when the run has been quiet for the
   * fallback interval. `state` is undefined when no event has reached the run: the caller reads GitHub as it always
   * did, and stores what it read when it differs from `stored`.
   */
  private async current(ref: RunRef): Promise<{ state?: RunState; stored?: RunState }> {
    const { db } = this.options.store;
    const found = await findRunState(db, ref.runId);
    const stored = found && sameRepo(found, ref) ? found : undefined;
    if (!stored?.eventAt) return { stored };
    const state = stored;
    const heard = Math.max(stored.eventAt.getTime(), stored.fetchedAt?.getTime() ?? 0);
    const fresh = (at: number) => this.clock.now().getTime() - at < this.quietMs;
    if (state.run.status === 'completed' || fresh(heard)) return { state };
    // One listing of the repository's runs in progress vouches for every quiet run still in it: a few requests a
    // fallback interval for the whole repository rather than two per run. A run a listing since its last news left
    // out has ended (its event lost) or waits: it alone is read, without listing the repository again.
    if ((this.listedAt.get(repoKey(ref)) ?? 0) <= heard) {
      await this.listInProgress(ref);
      const listed = await findRunState(db, ref.runId);
      if (listed?.fetchedAt && fresh(listed.fetchedAt.getTime()) && listed.run.status !== 'completed') {
        return { state: listed };
      }
    }
    const { reads } = this.options;
    const [run, jobs] = await Promise.all([
      reads.getRun({ ...ref, revalidate: true }),
      reads.listJobs({ ...ref, revalidate: true }),
    ]);
    this.reads?.inc({ reason: 'quiet' });
    this.options.logger.debug(
      { ...ref, quietMs: this.clock.now().getTime() - heard },
      'no run event in the fallback interval; read GitHub',
    );
    await this.store(ref, run, jobs);
    return { state: (await findRunState(db, ref.runId)) ?? { ...state, run, jobs } };
  }

  private listInProgress(ref: RunRef): Promise<void> {
    const { owner, repo } = ref;
    const key = repoKey(ref);
    let listing = this.listings.get(key);
    if (!listing) {
      listing = (async () => {
        const runs = await this.options.reads.listRunsInProgress({ owner, repo });
        this.reads?.inc({ reason: 'quiet_repository' });
        const now = this.clock.now();
        for (const run of runs) await applyRunEvent(this.options.store.db, run, now, 'read');
        this.listedAt.set(key, now.getTime());
      })().finally(() => this.listings.delete(key));
      this.listings.set(key, listing);
    }
    return listing;
  }

  private async jobsOf(ref: RunRef, state: RunState): Promise<JobDto[]> {
    const stale = !state.jobsFetchedAt || (state.eventAt && state.jobsFetchedAt < state.eventAt);
    if (!jobsBehind(state.run, state.jobs) || !stale) return state.jobs;
    const jobs = await this.options.reads.listJobs({ ...ref, revalidate: true });
    this.reads?.inc({ reason: 'jobs_behind' });
    await saveJobs(
      this.options.store.db,
      { runId: ref.runId, jobs, runAttempt: state.run.runAttempt, source: 'read' },
      this.clock.now(),
    );
    return jobs;
  }

  /** Stores what was read; a poll whose reads the read cache answered unchanged writes nothing. */
  private async store(ref: RunRef, run: RunDto, jobs?: JobDto[], stored?: RunState): Promise<void> {
    const { db } = this.options.store;
    const now = this.clock.now();
    const runChanged = !stored || !unchanged(stored.run, run);
    if (runChanged) await saveRun(db, { owner: ref.owner, repo: ref.repo, run, source: 'read' }, now);
    if (jobs && (runChanged || !unchanged(stored?.jobs, jobs)))
      await saveJobs(db, { runId: run.id, jobs, runAttempt: run.runAttempt, source: 'read' }, now);
  }
}
