import { readdirSync, readFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const LIMIT_MINUTES = Number(process.env.TEST_FILE_LIMIT_MINUTES ?? 10);

/** The pids of the processes whose parent is `pid` (Linux's /proc; elsewhere none). */
function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.map(Number).filter((child) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  });
}

function killTree(pid: number): void {
  for (const child of childrenOf(pid)) {
    killTree(child);
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Fails the run, naming the file, when a test file runs longer than TEST_FILE_LIMIT_MINUTES (10).
 *
 * Vitest's own test timeout is a timer in the test's worker, so code that never yields to the event loop (a loop
 * over synchronous SQLite and in-process fetches) keeps it from firing and the run hangs in silence. This reporter
 * runs in vitest's main process, which the worker cannot starve. Workers it leaves are killed: a starved one would
 * never notice its parent had gone.
 */
export default class HangGuard implements Reporter {
  private readonly running = new Map<string, { since: number; test?: string }>();
  private timer: NodeJS.Timeout | undefined;

  onInit(): void {
    this.timer = setInterval(() => this.check(), 5_000);
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule): void {
    this.running.set(module.moduleId, { since: Date.now() });
  }

  onTestCaseReady(test: TestCase): void {
    const file = this.running.get(test.module.moduleId);
    if (file) file.test = test.fullName;
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const limitMs = LIMIT_MINUTES * 60_000;
    const hung = [...this.running].filter(([, file]) => Date.now() - file.since > limitMs);
    if (!hung.length) return;
    for (const [moduleId, file] of hung) {
      process.stderr.write(
        `\nHUNG: ${moduleId} has run for more than ${LIMIT_MINUTES} minutes` +
          (file.test ? `; the last test it started: "${file.test}"` : '') +
          ". A loop that never yields to the event loop keeps vitest's own timeout from firing. " +
          'Stopping the run (TEST_FILE_LIMIT_MINUTES sets the limit).\n',
      );
    }
    killTree(process.pid);
    process.exit(1);
  }
}
