import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import type { Clock } from '../src/clock.js';
import { RetryLaterError } from '../src/errors.js';
import { GithubApp } from '../src/github/githubApp.js';
import { GithubReads } from '../src/github/githubReads.js';
import { RequestBudgets } from '../src/github/requestBudget.js';
import { RunStates } from '../src/stage/runStates.js';
import { StageRuns } from '../src/stage/stageRuns.js';
import { openStore } from '../src/store/index.js';
import { createGithubSimulator, type RecordedRequest, type SimulatedEvent } from '../emulators/github/simulator.js';

/**
 * `npm run bench:scale`: N running GitHub Workflow stages polled as Orca polls them (every second for the first minute,
 * then every 15 s: MonitorWebhookTask.getDynamicBackoffPeriod), their runs progressing and completing on the simulated
 * GitHub, which sends the `workflow_run` and `workflow_job` events; counts the requests that reach GitHub in each
 * simulated minute, and the delay from a run's completed event to the stage's end. Then 100 and 150 dispatches at once
 * (BENCH_DISPATCHES), in real time, through the default request budget, each retried as Orca retries a 503. See
 * docs/performance.md, "Many running stages".
 */
const SIZES = (process.env.BENCH_STAGES ?? '200,1000').split(',').map(Number).filter(Boolean);
const FALLBACK_MS = Number(process.env.BENCH_FALLBACK_MS ?? 60_000);
const LOST_SHARE = Number(process.env.BENCH_LOST_SHARE ?? 0.1);
const OWNER = 'octo-org';
const REPO = 'hello-world';

/** Simulated time: the backend's clock and read cache read it; the bench moves it a second at a time. */
class VirtualClock implements Clock {
  private at = Date.now();
  now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}

let seed = 42;
/** Deterministic, so that runs of the bench compare. */
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min));

const logger = pino({ level: 'silent' });

async function backend(sim: ReturnType<typeof createGithubSimulator>, clock: VirtualClock, budgets?: RequestBudgets) {
  const store = await openStore({ databaseFile: join(mkdtempSync(join(tmpdir(), 'bench-scale-')), 'b.db'), logger });
  const github = new GithubApp({
    github: { appId: sim.app.id, privateKey: sim.app.privateKey, webhookSecret: 'unused', apiUrl: sim.apiUrl },
    logger,
    now: () => clock.now().getTime(),
    requestBudgets: budgets,
  });
  const reads = new GithubReads(github);
  const runStates = new RunStates({ store, reads, logger, clock, fallbackMs: FALLBACK_MS });
  return { store, github, reads, runStates, stageRuns: new StageRuns({ github, reads, store, logger, runStates }) };
}

interface Stage {
  startAt: number;
  runningAt: number;
  endAt: number;
  conclusion: 'success' | 'failure';
  loseEnd: boolean;
  runId?: number;
  firstPollAt?: number;
  nextPollAt?: number;
  completedAt?: number;
  reportedAt?: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0;
};

async function runningStages(n: number) {
  const sim = createGithubSimulator();
  const server = setupServer(...sim.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const clock = new VirtualClock();
  // The budget is measured by the dispatch part below; here it must not stretch the simulated minutes in real time.
  const unlimited = new RequestBudgets({
    pointsPerMinute: 1e9,
    concurrent: 100,
    contentPerMinute: 80,
    contentPerHour: 500,
  });
  const { stageRuns, runStates, reads } = await backend(sim, clock, unlimited);
  const events: SimulatedEvent[] = [];
  sim.onEvent((event) => events.push(event));
  // Stages start over the first minute; runs queue 5 to 20 s, then run 2 to 10 minutes; one in ten fails.
  const stages: Stage[] = Array.from({ length: n }, () => {
    const startAt = between(0, 60_000);
    const runningAt = startAt + between(5_000, 20_000);
    return {
      startAt,
      runningAt,
      endAt: runningAt + between(120_000, 600_000),
      conclusion: random() < 0.1 ? 'failure' : 'success',
      loseEnd: random() < LOST_SHARE,
    };
  });
  const byRun = new Map<number, Stage>();
  const perMinute: number[] = [];
  /** Requests of each simulated minute by GitHub operation: where the peak comes from. */
  const operations: Map<string, number>[] = [];
  const backendDelaysMs: number[] = [];
  const probes = new WeakSet<RecordedRequest>();
  const counted = () => sim.requests.filter((r) => !probes.has(r));
  let minuteStart = 0;
  const real0 = performance.now();
  for (let t = 0; stages.some((s) => s.reportedAt === undefined); t += 1_000) {
    for (const stage of stages) {
      if (stage.runId === undefined && t >= stage.startAt) {
        // What a dispatch does: GitHub starts the run, the backend reads it once and follows it.
        const run = sim.addRun({ owner: OWNER, repo: REPO, workflow: 'deploy.yml', actor: sim.bot });
        stage.runId = Number(run.id);
        byRun.set(stage.runId, stage);
        const ref = { owner: OWNER, repo: REPO, runId: stage.runId };
        await runStates.follow(ref, await reads.getRun(ref));
        stage.firstPollAt = stage.nextPollAt = t;
      } else if (stage.runId !== undefined && stage.completedAt === undefined) {
        if (t >= stage.endAt) {
          sim.setRunStatus(stage.runId, 'completed', stage.conclusion);
          stage.completedAt = t;
        } else if (t >= stage.runningAt && sim.runs.get(stage.runId)?.run.status === 'queued') {
          sim.setRunStatus(stage.runId, 'in_progress');
        }
      }
    }
    for (const event of events.splice(0)) {
      const run = (event.payload.workflow_run ?? event.payload.workflow_job) as { id: number; run_id?: number };
      const stage = byRun.get(run.run_id ?? run.id);
      const end = event.name === 'workflow_run' && event.action === 'completed';
      if (end && stage?.loseEnd) continue;
      const started = performance.now();
      await runStates.apply(event.name, event.payload);
      if (end && stage?.runId !== undefined) {
        // As soon as the event is applied, a poll answers the end. This poll is the bench's probe, not Orca's: what
        // it asks GitHub (the run's artifacts) is left out of the counts; Orca's next poll asks again.
        const from = sim.requests.length;
        const answer = await stageRuns.status({ owner: OWNER, repo: REPO, runId: stage.runId });
        if (answer.status !== 'RUNNING') backendDelaysMs.push(performance.now() - started);
        for (const r of sim.requests.slice(from)) probes.add(r);
      }
    }
    const due = stages.filter((s) => s.nextPollAt !== undefined && s.reportedAt === undefined && s.nextPollAt <= t);
    for (let i = 0; i < due.length; i += 50) {
      await Promise.all(
        due.slice(i, i + 50).map(async (stage) => {
          const answer = await stageRuns.status({ owner: OWNER, repo: REPO, runId: stage.runId ?? 0 });
          if (answer.status !== 'RUNNING') stage.reportedAt = t;
          // Orca: every second while the task has run under a minute, then every 15 s.
          stage.nextPollAt = t + (t - (stage.firstPollAt ?? 0) < 60_000 ? 1_000 : 15_000);
        }),
      );
    }
    clock.advance(1_000);
    if ((t + 1_000) % 60_000 === 0) {
      const minute = counted().slice(minuteStart);
      perMinute.push(minute.length);
      const byOperation = new Map<string, number>();
      for (const r of minute)
        byOperation.set(r.operationId ?? r.path, (byOperation.get(r.operationId ?? r.path) ?? 0) + 1);
      operations.push(byOperation);
      minuteStart += minute.length;
    }
  }
  server.close();
  const delay = (lost: boolean) =>
    stages.filter((s) => s.loseEnd === lost).map((s) => (s.reportedAt ?? 0) - (s.completedAt ?? 0));
  const violations = sim.takeViolations();
  return {
    n,
    minutes: perMinute.length,
    perMinute,
    operations,
    total: counted().length,
    realSeconds: Math.round((performance.now() - real0) / 1000),
    backendMs: { p50: percentile(backendDelaysMs, 0.5), max: Math.max(...backendDelaysMs) },
    orcaDelay: { delivered: Math.max(...delay(false)), lost: Math.max(...delay(true)) },
    lost: stages.filter((s) => s.loseEnd).length,
    violations: violations.length,
  };
}

/** Orca's webhook stage: gives up on a call after 120 s; retries a 5xx every 10 s for 5 minutes (SPINNAKER-FACTS.md). */
const ORCA_READ_TIMEOUT_MS = 120_000;
const ORCA_RETRY_MS = 10_000;
const ORCA_RETRY_FOR_MS = 300_000;

/** `count` stages dispatching at once, in real time, through the default request budget; each call as Orca makes it. */
async function simultaneousDispatches(count: number) {
  const sim = createGithubSimulator();
  const server = setupServer(...sim.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const { stageRuns } = await backend(sim, new VirtualClock());
  const started = performance.now();
  let longestCallMs = 0;
  let retried = 0;
  const stage = async (i: number): Promise<'ok' | 'failed'> => {
    for (const begun = performance.now(); performance.now() - begun < ORCA_RETRY_FOR_MS;) {
      const call = performance.now();
      try {
        await stageRuns.dispatch({
          key: `bench/${i}/1`,
          owner: OWNER,
          repo: REPO,
          dispatchType: 'workflow_dispatch',
          workflow: 'deploy.yml',
          ref: 'main',
          inputs: { region: 'eu-west-1', version: `1.0.${i}` },
        });
        return performance.now() - call > ORCA_READ_TIMEOUT_MS ? 'failed' : 'ok';
      } catch (error) {
        if (!(error instanceof RetryLaterError)) return 'failed';
        retried += 1;
      } finally {
        longestCallMs = Math.max(longestCallMs, performance.now() - call);
      }
      await new Promise((resolve) => setTimeout(resolve, ORCA_RETRY_MS));
    }
    return 'failed';
  };
  const outcomes = await Promise.all(Array.from({ length: count }, (_, i) => stage(i)));
  const seconds = (performance.now() - started) / 1000;
  server.close();
  const writes = sim.requests.filter((r) => r.method !== 'GET' && r.path.endsWith('/dispatches')).map((r) => r.at);
  const inAnyMinute = Math.max(
    ...writes.map((start) => writes.filter((at) => at >= start && at < start + 60_000).length),
  );
  return {
    count,
    sent: sim.dispatches.length,
    distinctRuns: new Set(sim.dispatches.map((d) => d.runId)).size,
    failed: outcomes.filter((o) => o === 'failed').length,
    retried,
    inAnyMinute,
    lastSentSeconds: Math.round((Math.max(...writes) - Math.min(...writes)) / 1000),
    longestCallSeconds: Math.round(longestCallMs / 1000),
    seconds: Math.round(seconds),
  };
}

process.stdout.write(
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; fallback ${FALLBACK_MS / 1000} s, ${LOST_SHARE * 100} % of completed events lost\n\n`,
);
process.stdout.write(
  '| running stages | simulated minutes | GitHub requests, first minute (stages start; one run read per dispatch) | peak minute after | mean a minute | total | end after the completed event: backend p50 / max | at Orca’s cadence, event delivered / lost (max) | real time |\n| --: | --: | --: | --: | --: | --: | --: | --: | --: |\n',
);
for (const n of SIZES) {
  const r = await runningStages(n);
  if (r.violations) throw new Error(`${r.violations} requests or events broke GitHub's OpenAPI description`);
  process.stdout.write(
    `| ${n} | ${r.minutes} | ${r.perMinute[0]} | ${Math.max(...r.perMinute.slice(1))} | ${Math.round(r.total / r.minutes)} | ${r.total} | ${r.backendMs.p50.toFixed(1)} ms / ${r.backendMs.max.toFixed(1)} ms | ${r.orcaDelay.delivered / 1000} s / ${r.orcaDelay.lost / 1000} s (${r.lost} lost) | ${r.realSeconds} s |\n`,
  );
  process.stdout.write(`  per minute: ${r.perMinute.join(', ')}\n`);
  const peak = r.perMinute.indexOf(Math.max(...r.perMinute.slice(1)), 1);
  const top = [...(r.operations[peak] ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
  process.stdout.write(`  minute ${peak + 1}: ${top.map(([op, count]) => `${op} ${count}`).join(', ')}\n`);
}
for (const count of (process.env.BENCH_DISPATCHES ?? '100,150').split(',').map(Number)) {
  if (!count) continue;
  const d = await simultaneousDispatches(count);
  process.stdout.write(
    `\n${d.count} dispatches at once (default budget, real time): ${d.sent} sent, ${d.distinctRuns} distinct runs, ${d.failed} stages failed, at most ${d.inAnyMinute} dispatch requests in any minute, last sent after ${d.lastSentSeconds} s, ${d.retried} calls answered 503 and retried, longest call ${d.longestCallSeconds} s, all stages answered in ${d.seconds} s\n`,
  );
}
process.exit(0);
