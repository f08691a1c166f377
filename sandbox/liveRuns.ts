import { actionsTimestamp } from '../backend/emulators/github/logs.js';
import type { GithubSimulator } from '../backend/emulators/github/simulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the Deploy step prints, with the colours, groups and annotations real tools produce. */
export const DEPLOY_OUTPUT = [
  '##[group]Run ./scripts/deploy.sh',
  './scripts/deploy.sh "$VERSION" "$REGION"',
  'shell: /usr/bin/bash -e {0}',
  '##[endgroup]',
  '\u001b[36m>\u001b[0m Resolving version \u001b[1m1.4.2\u001b[0m',
  'Uploading artifacts (3 files, 12.4 MB)',
  '##[group]Rendering manifests',
  'deployment.apps/hello-world configured',
  'service/hello-world unchanged',
  'configmap/hello-world-config configured',
  '##[endgroup]',
  '##[warning]Replica count not set; using 2',
  'Waiting for rollout: 1 of 2 updated replicas are available...',
  'Waiting for rollout: 2 of 2 updated replicas are available...',
  '\u001b[32m✔\u001b[0m deployment "hello-world" successfully rolled out',
];

const COMPLETE_JOB = ['Cleaning up orphan processes'];

/** What the first smoke test of a sandbox prints: a flaky check that fails once, so that Restart has a failed stage. */
export const FLAKY_SMOKE_OUTPUT = [
  '##[group]Run ./scripts/smoke.sh',
  './scripts/smoke.sh "$TARGET"',
  '##[endgroup]',
  'GET https://hello-world.example.com/health',
  '##[error]GET /health answered 503 Service Unavailable after 3 attempts (the new replicas were not ready yet): {"status":"starting","replicas":{"ready":1,"desired":2},"checks":{"database":"ok","cache":"warming"}}',
  '##[error]Process completed with exit code 1.',
];

export interface LiveRunsOptions {
  /** Pause between two log lines. */
  lineMs?: number;
  /** Pause between a dispatched run's creation and its start. */
  queuedMs?: number;
  /** Called when a run the emulator animated completes (the sandbox sends GitHub's workflow_run webhook). */
  onCompleted?: (runId: number) => void;
}

/**
 * Makes the simulated GitHub move as GitHub does: a queued run (one the backend dispatched) starts, its jobs' logs
 * grow line by line, and it completes with success about 20 seconds later. The first run of smoke.yml fails.
 */
export class LiveRuns {
  private readonly animated = new Set<number>();
  private smokeFailed = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sim: GithubSimulator,
    private readonly options: LiveRunsOptions = {},
  ) {}

  start(): void {
    for (const runId of this.sim.runs.keys()) this.animated.add(runId);
    this.timer = setInterval(() => {
      for (const [runId, state] of this.sim.runs) {
        if (this.animated.has(runId) || state.run.status !== 'queued') continue;
        this.animated.add(runId);
        void this.playDispatched(runId);
      }
    }, 250);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Streams `lines` into a job of a run already in progress, then completes the run with success. */
  async stream(runId: number, lines: string[], lineMs: number): Promise<void> {
    await this.play(runId, lines, lineMs);
  }

  private async playDispatched(runId: number): Promise<void> {
    await sleep(this.options.queuedMs ?? 2_000);
    if (this.stopped || this.sim.runs.get(runId)?.run.status !== 'queued') return;
    this.sim.setRunStatus(runId, 'in_progress');
    const flaky = !this.smokeFailed && this.sim.runs.get(runId)?.run.path.endsWith('/smoke.yml');
    if (flaky) this.smokeFailed = true;
    await this.play(runId, flaky ? FLAKY_SMOKE_OUTPUT : DEPLOY_OUTPUT, this.options.lineMs ?? 1_100, flaky);
  }

  private async play(runId: number, lines: string[], lineMs: number, fails = false): Promise<void> {
    const state = this.sim.runs.get(runId);
    if (!state) return;
    const append = (line: string) => {
      for (const jobId of state.jobIds) {
        const job = this.sim.jobs.get(jobId);
        if (job?.job.status === 'in_progress')
          this.sim.setJobLog(jobId, `${job.log ?? ''}${actionsTimestamp(Date.now())} ${line}\n`);
      }
    };
    for (const line of lines) {
      await sleep(lineMs);
      // Cancelled (by the stage) or stopped: the run no longer moves.
      if (this.stopped || state.run.status === 'completed') return;
      append(line);
    }
    await sleep(lineMs);
    if (this.stopped || state.run.status === 'completed') return;
    COMPLETE_JOB.forEach(append);
    const logs = new Map(state.jobIds.map((jobId) => [jobId, this.sim.jobs.get(jobId)?.log]));
    this.sim.setRunStatus(runId, 'completed', fails ? 'failure' : 'success');
    // setRunStatus writes the simulator's own log of the finished job; keep the one that streamed.
    for (const [jobId, log] of logs) if (log !== undefined) this.sim.setJobLog(jobId, log);
    this.options.onCompleted?.(runId);
  }
}
