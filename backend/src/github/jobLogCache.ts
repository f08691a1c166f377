import { mkdir, mkdtemp, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock.js';
import { GoneError, HttpError, messageOf, NotFoundError, RetryLaterError } from '../errors.js';
import type { GithubApp } from './githubApp.js';
import { discard, jobLogLocation, LOG_HOST_TIMEOUT_MS, logParts, openJobLog, type JobLog } from './jobLogs.js';
import { LogRefreshes, type RefreshMarks } from './logRefreshes.js';

export interface JobRef {
  owner: string;
  repo: string;
  jobId: number;
}

export interface JobLogCacheOptions {
  /** LOG_CACHE_DIR: where the logs are written, in a directory of their own made at first use. */
  dir?: string;
  /** LOG_CACHE_MAX_MB: the least recently read logs are deleted past this total. */
  maxBytes?: number;
  /** LOG_CACHE_MAX_AGE_HOURS: a log downloaded longer ago is deleted, and downloaded again if read. */
  maxAgeMs?: number;
  /** LOG_REFRESH_MS: a running job's log is downloaded again at most this often, however many read it. */
  refreshMs?: number;
  /** A completed log opened from byte 0 is checked to be still on GitHub (not deleted) at most this often. */
  recheckMs?: number;
  /**
   * LOG_REFRESH_RATE_LIMIT_PERCENT / 100: the most of an installation's primary rate limit that refreshing running
   * logs may use (logRefreshAllowance.ts).
   */
  refreshRateLimitShare?: number;
  /** GITHUB_BUDGET_REPLICAS: replicas that share that part of the rate limit. */
  replicas?: number;
  /**
   * Whether the job has completed, as the run states that GitHub's events keep say (`RunStates.jobCompleted`);
   * undefined when they cannot say, and GitHub is asked (logRefreshes.ts).
   */
  jobCompleted?: (job: JobRef) => Promise<boolean | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** Where `/metrics` finds the refreshes put off to keep within the rate limit. */
  registry?: Registry;
  /** How long GitHub's log host may take to answer, and then to send each next part of a log. */
  logHostTimeoutMs?: number;
}

export const LOG_CACHE_DEFAULTS = {
  maxBytes: 2048 * 1024 * 1024,
  maxAgeMs: 24 * 60 * 60 * 1000,
  refreshMs: 2_000,
  recheckMs: 60_000,
  refreshRateLimitShare: 0.25,
  replicas: 1,
};

interface Entry extends RefreshMarks {
  key: string;
  path: string;
  size: number;
  complete: boolean;
  fetchedAt: number;
  usedAt: number;
  /** When a client past this running log's end last made it download again (see `source`). */
  forcedAt: number;
  /** When GitHub last said it still has this log. */
  checkedAt: number;
  /**
   * When its bytes were last read from GitHub: a running log's copy can be older than `fetchedAt` says, while its
   * refreshes are put off or GitHub fails.
   */
  readAt: number;
}

/**
 * A completed job's log while it downloads, when GitHub said its length: ranges already on disk are served before the
 * download ends, so the first lines of a large log do not wait for its last.
 */
interface Growing {
  path: string;
  size: number;
  complete: boolean;
  written: number;
  waiters: Array<{ bytes: number; resolve(): void }>;
}

interface Download {
  done: Promise<Entry>;
  started: Promise<Growing | undefined>;
  /** Why GitHub could not be read, when `done` gave the running log's copy on disk instead. */
  outcome: { failure?: unknown };
}

/** Where a range is read from: a log on disk, or one still downloading (a completed log's, without `readAt`). */
type Source = Pick<Entry, 'path' | 'size' | 'complete'> & Partial<Pick<Entry, 'readAt'>>;

/** Directories this process made: never another process's leftovers, whatever the process id in their names. */
const madeHere = new Set<string>();

/** The part of a job's log a client asked for, with what is known of the whole. */
export interface LogSlice {
  start: number;
  end: number;
  /** The log's size in bytes as far as GitHub has it. */
  size: number;
  /** True once the job has completed: the log will not grow. */
  complete: boolean;
  /** For a running job's log: how long ago, in milliseconds, these bytes were read from GitHub. */
  age?: number;
  body: Readable;
}

/** A range that starts past the end of the log (a client that kept an offset of a log GitHub has since replaced). */
export class RangeNotSatisfiableError extends HttpError {
  constructor(message: string) {
    super(message, 416);
  }
}

/**
 * Job logs on disk: a completed job's log is downloaded from GitHub once, a running job's at most once per
 * `refreshMs`, both however many clients read them at once (concurrent reads wait for the same download), and every
 * range is streamed from the file, so memory does not grow with the log or the number of readers.
 */
export class JobLogCache {
  private readonly entries = new Map<string, Entry>();
  private readonly downloads = new Map<string, Download>();
  /** The last failed download of a log with no copy to serve instead, answered again until `refreshMs` has passed. */
  private readonly failures = new Map<string, { error: unknown; at: number }>();
  /** The checks that GitHub still has a log (`recheck`) under way. */
  private readonly checks = new Map<Entry, Promise<void>>();
  /**
   * Reads of each log that have not opened its file yet, and the files of that log evicted meanwhile: those are
   * deleted once no such read is left. A read cannot tell which file it will open until it has it (the copy on disk,
   * a download's, the copy kept while GitHub fails), so every file of the log is kept until then.
   */
  private readonly opening = new Map<string, { reads: number; evicted: string[] }>();
  private readonly options: Required<Omit<JobLogCacheOptions, 'registry'>>;
  private readonly refreshes: LogRefreshes;
  private directory?: Promise<string>;
  private closed = false;
  private total = 0;
  private count = 0;

  constructor(
    private readonly github: GithubApp,
    options: JobLogCacheOptions = {},
  ) {
    this.options = {
      ...LOG_CACHE_DEFAULTS,
      clock: systemClock,
      logger: pino({ enabled: false }),
      logHostTimeoutMs: LOG_HOST_TIMEOUT_MS,
      jobCompleted: async () => undefined,
      ...options,
      dir: options.dir ?? tmpdir(),
    };
    this.refreshes = new LogRefreshes(github, {
      share: this.options.refreshRateLimitShare,
      replicas: this.options.replicas,
      refreshMs: this.options.refreshMs,
      jobCompleted: this.options.jobCompleted,
      clock: this.options.clock,
      registry: options.registry,
    });
  }

  /**
   * Bytes `start` to about `start + length` of the job's log, ending on a whole UTF-8 character: before the character
   * that would be split, or after it when it is the range's only one.
   */
  async read(
    job: JobRef,
    { start = 0, length = Infinity }: { start?: number; length?: number } = {},
  ): Promise<LogSlice> {
    const { source, handle } = await this.openSource(job, start, length);
    const { complete, readAt } = source;
    // Not below 0: the system clock may be set back (NTP) after the read, and a viewer refuses a negative age.
    const age = complete || readAt === undefined ? undefined : Math.max(0, this.options.clock.now().getTime() - readAt);
    try {
      return { ...(await slice(handle, source, start, length, job)), age };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Deletes the logs past `maxAgeMs` (and the least recently read past `maxBytes`) without waiting for a download to
   * do it: the hourly pruning calls it, so that an idle backend keeps no log longer than LOG_CACHE_MAX_AGE_HOURS.
   */
  async prune(): Promise<void> {
    await this.evict();
  }

  /** Settles once the downloads under way have ended, whether they wrote their log or failed. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.downloads.values()].map((download) => download.done));
  }

  /**
   * Deletes every file this cache wrote. A download under way that has not made its file yet then fails: it would make
   * the directory again, and leave it behind at shutdown.
   */
  async close(): Promise<void> {
    this.closed = true;
    const directory = this.directory;
    this.directory = undefined;
    this.entries.clear();
    this.failures.clear();
    this.total = 0;
    if (!directory) return;
    const path = await directory;
    await rm(path, { recursive: true, force: true });
    madeHere.delete(basename(path));
  }

  /**
   * The file to read the range from, opened. Until then no file of the log is deleted (see `opening`). One deleted under
   * us (a cleaner of /tmp, or of the whole directory) is downloaded again, once, after the download that may be writing
   * it has ended.
   */
  private async openSource(
    job: JobRef,
    start: number,
    length: number,
  ): Promise<{ source: Source; handle: FileHandle }> {
    const key = keyOf(job);
    const opening = this.opening.get(key) ?? { reads: 0, evicted: [] };
    this.opening.set(key, opening);
    opening.reads++;
    try {
      for (let attempt = 0; ; attempt++) {
        const source = await this.source(job, start, length);
        try {
          return { source, handle: await open(source.path, 'r') };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
          await this.downloads.get(key)?.done.catch(() => undefined);
          const gone = this.entries.get(key);
          if (gone?.path === source.path) await this.remove(gone);
        }
      }
    } finally {
      if (--opening.reads === 0) {
        this.opening.delete(key);
        await Promise.all(opening.evicted.map((path) => rm(path, { force: true }).catch(() => undefined)));
      }
    }
  }

  /**
   * Where to read the range from: the log on disk when it is fresh, else the download that brings it, as soon as that
   * has written the bytes asked for (and up to three past them, to see where the last character ends).
   */
  private async source(job: JobRef, start: number, length: number): Promise<Source> {
    const key = keyOf(job);
    const now = this.options.clock.now().getTime();
    const cached = this.entries.get(key);
    const { refreshMs } = this.options;
    const fresh = cached && now - cached.fetchedAt < (cached.complete ? this.options.maxAgeMs : refreshMs);
    if (cached && fresh) {
      cached.usedAt = now;
      if (cached.complete && start === 0 && now - cached.checkedAt >= this.options.recheckMs)
        await this.recheck(cached, job);
      if (cached.complete || start <= cached.size) return cached;
      // A client past a running log's end here read it from another replica, whose copy is newer: download it again,
      // but once per interval, or a client past the end of every copy would make each of its reads a download. Until
      // then it is told that nothing follows `start` yet, rather than sent back to byte 0.
      if (now - cached.forcedAt < refreshMs) return nothingAfter(cached, start);
      cached.forcedAt = now;
    }
    let completed: boolean | undefined;
    if (!this.downloads.has(key) && cached && !cached.complete) {
      const refresh = await this.refreshes.decide(job, cached);
      if (refresh === 'wait') {
        // Put off to keep within the rate limit: the copy on disk, and for a client past its end, nothing after
        // `start`. Asked again after `refreshMs`, not at every viewer's poll.
        cached.usedAt = now;
        cached.fetchedAt = now;
        return nothingAfter(cached, start);
      }
      if (refresh === 'completed') completed = true;
    }
    let download = this.downloads.get(key);
    const joined = download !== undefined;
    if (!download) {
      // Without a copy to serve, GitHub's failure (a queued job's 404, a 503) is answered again for an interval, so
      // that every viewer's poll does not go to GitHub while it fails.
      const failed = this.failures.get(key);
      if (failed && now - failed.at < refreshMs) throw failed.error;
      let started: (growing: Growing | undefined) => void = () => {};
      const begun = new Promise<Growing | undefined>((resolve) => (started = resolve));
      const fallback = cached && !cached.complete ? cached : undefined;
      const outcome: Download['outcome'] = {};
      const done = this.download(key, job, started, completed)
        .catch((error: unknown) => {
          if (!fallback || this.entries.get(key) !== fallback) throw this.failed(key, error);
          outcome.failure = error;
          return this.stale(fallback, error);
        })
        .finally(() => {
          started(undefined);
          this.downloads.delete(key);
        });
      download = { done, started: begun, outcome };
      this.downloads.set(key, download);
    }
    const growing = await download.started;
    if (!growing || start > growing.size) {
      const entry = await download.done;
      // The copy kept while GitHub fails is behind a client that read further elsewhere: GitHub's error, not 416, which
      // would send it back to byte 0.
      if (download.outcome.failure !== undefined && start > entry.size) throw download.outcome.failure;
      // A download that began before this read may hold less of a running log than the client read on another
      // replica: told that nothing follows `start` yet, as above. Only a download begun for it says 416.
      if (joined && !entry.complete) return nothingAfter(entry, start);
      return entry;
    }
    // Up to three bytes past the range: where its only character ends, for a range shorter than that character.
    const needed = Math.min(growing.size, start + Math.max(length, 1) + 3);
    if (growing.written < needed) {
      await Promise.race([
        new Promise<void>((resolve) => growing.waiters.push({ bytes: needed, resolve })),
        download.done,
      ]);
    }
    return growing.written >= needed ? growing : download.done;
  }

  /**
   * Whether GitHub still has a completed log kept here, asked when a viewer opens it (reads from byte 0), at most once
   * per `recheckMs`: a log deleted on GitHub (someone found a secret in it) is deleted here too, instead of being served
   * until it ages out. While GitHub cannot say, the copy is served.
   */
  private recheck(entry: Entry, job: JobRef): Promise<void> {
    let check = this.checks.get(entry);
    if (!check) {
      check = jobLogLocation(this.github, job)
        .then(
          () => undefined,
          async (error: unknown) => {
            if (error instanceof NotFoundError || error instanceof GoneError) {
              await this.remove(entry);
              throw error;
            }
            this.warnServingCopy(entry, error, 'GitHub could not be asked');
          },
        )
        .finally(() => {
          entry.checkedAt = this.options.clock.now().getTime();
          this.checks.delete(entry);
        });
      this.checks.set(entry, check);
    }
    return check;
  }

  /**
   * Remembers GitHub's answer to a failed download for `refreshMs`, forgetting those older. Not our own failures (a
   * directory that cannot be made yet): they are tried again at once.
   */
  private failed(key: string, error: unknown): unknown {
    if (!(error instanceof HttpError)) return error;
    const now = this.options.clock.now().getTime();
    for (const [other, { at }] of this.failures) if (now - at >= this.options.refreshMs) this.failures.delete(other);
    this.failures.set(key, { error, at: now });
    return error;
  }

  /**
   * A running job's log that could not be read again: the copy on disk is served, and GitHub asked again only after
   * `refreshMs`, so that every viewer's poll does not go to GitHub while it fails.
   */
  private stale(entry: Entry, error: unknown): Entry {
    entry.fetchedAt = this.options.clock.now().getTime();
    this.warnServingCopy(entry, error, 'it could not be read again');
    return entry;
  }

  private warnServingCopy(entry: Entry, error: unknown, because: string): void {
    // The message only: a GitHub error's cause holds the request, with its token.
    const reason = messageOf(error);
    this.options.logger.warn({ job: entry.key, reason }, `serving the log on disk: ${because}`);
  }

  private async download(
    key: string,
    job: JobRef,
    started: (growing: Growing | undefined) => void,
    completed?: boolean,
  ): Promise<Entry> {
    const previous = this.entries.get(key);
    const complete = completed ?? (await this.refreshes.completed(job, previous, 0)) === true;
    // A running job's log only grows: ask for the bytes after those on disk, with the last of those (`append`).
    const from =
      previous && !previous.complete && !complete && previous.size > 0
        ? previous.size - Math.min(previous.size, LOG_OVERLAP)
        : undefined;
    const timeoutMs = this.options.logHostTimeoutMs;
    let log = await openJobLog(this.github, job, { from, timeoutMs });
    if (previous && from !== undefined && log.range) {
      const appended = await this.append(previous, log, job.jobId);
      if (appended) return appended;
      log = await openJobLog(this.github, job, { timeoutMs });
    }
    const { path, file } = await this.create(job).catch((error: unknown) => {
      discard(log.body);
      throw error;
    });
    const growing: Growing = { path, size: log.contentLength ?? 0, complete, written: 0, waiters: [] };
    // A running job's log is served whole, as read at one moment; a completed one as it arrives.
    if (complete && log.contentLength !== undefined) started(growing);
    const reader = log.body.getReader();
    try {
      for await (const chunk of logParts(reader, job.jobId, timeoutMs)) {
        await writeAll(file, chunk, growing.written);
        growing.written += chunk.length;
        // Counted as written, so that logs downloading at once make room by deleting finished ones.
        this.total += chunk.length;
        if (this.total > this.options.maxBytes) await this.evict();
        for (const waiter of growing.waiters) if (waiter.bytes <= growing.written) waiter.resolve();
        growing.waiters = growing.waiters.filter((waiter) => waiter.bytes > growing.written);
      }
      await file.close();
    } catch (error) {
      discard(reader);
      await file.close().catch(() => undefined);
      await this.delete(key, path);
      this.total -= growing.written;
      throw error;
    }
    const size = growing.written;
    const now = this.options.clock.now().getTime();
    const entry: Entry = {
      key,
      path,
      size,
      complete,
      fetchedAt: now,
      usedAt: now,
      forcedAt: previous?.forcedAt ?? -Infinity,
      checkedAt: now,
      readAt: now,
      statusAt: previous?.statusAt ?? now,
      deferredAt: previous?.deferredAt ?? -Infinity,
    };
    const current = this.entries.get(key);
    if (current) await this.remove(current);
    this.failures.delete(key);
    this.entries.set(key, entry);
    await this.evict(entry);
    return entry;
  }

  /**
   * Appends the part the log host sent (from `LOG_OVERLAP` bytes before the end on disk) to the file of `entry`.
   * Answers undefined, having written nothing the entry counts, when those bytes differ from the ones on disk: the log
   * was written anew, and is then downloaded whole.
   */
  private async append(entry: Entry, log: JobLog, jobId: number): Promise<Entry | undefined> {
    const file = await open(entry.path, 'r+').catch(() => undefined);
    if (!file || log.range!.size < entry.size) {
      discard(log.body);
      await file?.close();
      return undefined;
    }
    const reader = log.body.getReader();
    const overlap = Buffer.alloc(entry.size - log.range!.start);
    let compared = 0;
    let added = 0;
    try {
      await file.read(overlap, 0, overlap.length, log.range!.start);
      for await (let chunk of logParts(reader, jobId, this.options.logHostTimeoutMs)) {
        const same = chunk.subarray(0, overlap.length - compared);
        if (!overlap.subarray(compared, compared + same.length).equals(same)) {
          discard(reader);
          return undefined;
        }
        compared += same.length;
        chunk = chunk.subarray(same.length);
        await writeAll(file, chunk, entry.size + added);
        added += chunk.length;
      }
    } catch (error) {
      discard(reader);
      throw error;
    } finally {
      await file.close();
    }
    // Evicted while the bytes arrived: its file is gone, so download the log whole.
    if (compared < overlap.length || this.entries.get(entry.key) !== entry) return undefined;
    entry.size += added;
    this.total += added;
    entry.fetchedAt = entry.readAt = this.options.clock.now().getTime();
    await this.evict(entry);
    return entry;
  }

  /** Deletes the least recently read logs while the total is over the limit, and those past their age, but `keep`. */
  private async evict(keep?: Entry): Promise<void> {
    const now = this.options.clock.now().getTime();
    const byUse = [...this.entries.values()].sort((a, b) => a.usedAt - b.usedAt);
    for (const entry of byUse) {
      if (entry === keep) continue;
      if (this.total > this.options.maxBytes || now - entry.fetchedAt >= this.options.maxAgeMs)
        await this.remove(entry);
    }
  }

  private async remove(entry: Entry): Promise<void> {
    // Two evictions may pick the same entry: only the first counts it off.
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.total -= entry.size;
    await this.delete(entry.key, entry.path);
  }

  /**
   * Deletes a log's file, or leaves that to the last read of the log that has not opened it yet (see `opening`).
   * Readers that opened it keep reading it: an unlinked file lives until its last descriptor closes.
   */
  private async delete(key: string, path: string): Promise<void> {
    const opening = this.opening.get(key);
    if (opening) opening.evicted.push(path);
    else await rm(path, { force: true });
  }

  /** A new file for a job's log, in this process's directory, made again if it was deleted under us. */
  private async create(job: JobRef): Promise<{ path: string; file: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) {
        throw new RetryLaterError(
          `The backend is shutting down; read the log of job ${job.jobId} again in a moment.`,
          1,
        );
      }
      const directory = this.ensureDirectory();
      const path = join(await directory, `job-${job.jobId}-${++this.count}.log`);
      try {
        return { path, file: await open(path, 'w') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
        // Only once for downloads that found it gone together: the first to get here has it made again.
        if (this.directory === directory) this.directory = undefined;
      }
    }
  }

  /**
   * This process's directory, made at first use and again after a failure (a volume not mounted yet, a full disk).
   * Its name holds the host and the process id, so that the directories of processes on this host that ended without
   * `close()` (killed, crashed) can be told apart and deleted.
   */
  private ensureDirectory(): Promise<string> {
    const { dir } = this.options;
    // `_` cannot be part of a host name: one host's prefix is never the start of another's.
    const prefix = `job-logs_${hostname()}_`;
    this.directory ??= mkdir(dir, { recursive: true })
      .then(() => deleteLeftovers(dir, prefix, this.options.logger))
      .then(() => mkdtemp(join(dir, `${prefix}${process.pid}_`)))
      .then((path) => {
        madeHere.add(basename(path));
        return path;
      })
      .catch((error: unknown) => {
        this.directory = undefined;
        throw error;
      });
    return this.directory;
  }
}

/**
 * Bytes before the end on disk that a refresh of a running log asks for again, to see that the log only grew (never
 * from the end itself: the host answers 416 when nothing was added).
 */
const LOG_OVERLAP = 4096;

/**
 * A running log's copy, for a client that may have read past its end on another replica: told that nothing follows
 * `start` yet (a range from `start` to `start`), rather than sent back to byte 0.
 */
const nothingAfter = (entry: Entry, start: number): Entry => (start <= entry.size ? entry : { ...entry, size: start });

const keyOf = (job: JobRef) => `${job.owner.toLowerCase()}/${job.repo.toLowerCase()}/${job.jobId}`;

/**
 * Deletes the directories under `dir` that processes on this host, now ended, left behind. At best: one that cannot be
 * deleted (another user's, in a shared temporary directory) is left, with a warning, and does not stop the logs.
 */
async function deleteLeftovers(dir: string, prefix: string, logger: Logger): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(\d+)_[^_]+$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (!pid || madeHere.has(name) || isRunning(Number(pid))) continue;
    await rm(join(dir, name), { recursive: true, force: true }).catch((error: unknown) => {
      const reason = messageOf(error);
      logger.warn({ directory: join(dir, name), reason }, 'could not delete the job logs an ended process left');
    });
  }
}

/** Whether another process with this id runs here. This process's own id in an old name is a process before it. */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeAll(file: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < chunk.length;) {
    const { bytesWritten } = await file.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/** Where the character that holds byte `at` ends: for a range shorter than its one character, the whole character. */
async function characterEnd(handle: FileHandle, at: number, size: number): Promise<number> {
  const bytes = Buffer.alloc(Math.min(3, size - at));
  await handle.read(bytes, 0, bytes.length, at);
  let end = at;
  while (end < size && isContinuation(bytes[end - at])) end++;
  return end;
}

/**
 * Where the whole characters among bytes `start` to `end` end: before a character of which they hold only the first
 * bytes, or at `start` when they hold no whole character.
 */
async function wholeCharactersEnd(handle: FileHandle, start: number, end: number): Promise<number> {
  const from = Math.max(start, end - 3);
  const bytes = Buffer.alloc(end - from);
  await handle.read(bytes, 0, bytes.length, from);
  let lead = bytes.length - 1;
  while (lead >= 0 && isContinuation(bytes[lead])) lead--;
  // No first byte of a character: the last three end a four-byte character, or `start` is inside one.
  if (lead < 0) return from === start ? start : end;
  const byte = bytes[lead]!;
  const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return from + lead + length > end ? from + lead : end;
}

async function slice(
  handle: FileHandle,
  entry: Pick<Entry, 'size' | 'complete'>,
  start: number,
  length: number,
  job: JobRef,
): Promise<LogSlice> {
  const { complete } = entry;
  if (start > entry.size) {
    throw new RangeNotSatisfiableError(
      `The log of job ${job.jobId} has ${entry.size} bytes; it cannot be read from byte ${start}. Read it again from 0.`,
    );
  }
  // Never split a UTF-8 character: the client decodes each range on its own. A running job's copy may also end inside
  // a character the runner was writing: it is served up to the character before it, and the next copy brings it whole.
  const size = complete ? entry.size : await wholeCharactersEnd(handle, start, entry.size);
  let end = Math.min(size, start + length);
  if (end < size) {
    const cut = await wholeCharactersEnd(handle, start, end);
    // A range shorter than its only character ends after that character.
    end = cut > start ? cut : await characterEnd(handle, end, size);
  }
  const body =
    end > start
      ? handle.createReadStream({ start, end: end - 1, autoClose: true })
      : (await handle.close(), Readable.from([]));
  return { start, end, size, complete, body };
}
