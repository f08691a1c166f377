import { z } from 'zod';
import type { JobDto, RunDto } from '../contract.js';

/**
 * The fields of GitHub's `workflow_run` and `workflow_job` webhook payloads the run state keeps
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_run). Names, titles and branches are GitHub
 * users' text: kept as data, and made inert before Orca reads them (routes/stage.ts).
 */
const text = z.string().max(10_000);
const time = z.string().max(40).nullish();

const repository = z.object({ name: text, owner: z.object({ login: text }) });

const workflowRun = z.object({
  id: z.number().int(),
  name: text.nullish(),
  display_title: text.nullish(),
  run_number: z.number().int(),
  run_attempt: z.number().int().nullish(),
  event: text,
  status: text.nullish(),
  conclusion: text.nullish(),
  head_branch: text.nullish(),
  head_sha: text,
  html_url: text,
  workflow_id: z.number().int(),
  path: text.nullish(),
  created_at: text,
  run_started_at: time,
  updated_at: text,
});

const step = z.object({
  number: z.number().int(),
  name: text,
  status: text,
  conclusion: text.nullish(),
  started_at: time,
  completed_at: time,
});

const workflowJob = z.object({
  id: z.number().int(),
  run_id: z.number().int(),
  run_attempt: z.number().int().nullish(),
  name: text,
  status: text,
  conclusion: text.nullish(),
  started_at: time,
  completed_at: time,
  html_url: text.nullish(),
  steps: z.array(step).nullish(),
});

const runEvent = z.object({ workflow_run: workflowRun, repository });
const jobEvent = z.object({ workflow_job: workflowJob, repository });

export type RunEvent =
  | { kind: 'run'; owner: string; repo: string; run: RunDto }
  | { kind: 'job'; owner: string; repo: string; runAttempt: number; job: JobDto };

const toRun = (r: z.infer<typeof workflowRun>): RunDto => ({
  id: r.id,
  name: r.name ?? '',
  displayTitle: r.display_title ?? '',
  runNumber: r.run_number,
  runAttempt: r.run_attempt ?? 1,
  event: r.event,
  status: r.status ?? 'queued',
  conclusion: r.conclusion ?? null,
  headBranch: r.head_branch ?? null,
  headSha: r.head_sha,
  htmlUrl: r.html_url,
  workflowId: r.workflow_id,
  workflowPath: r.path ?? '',
  createdAt: r.created_at,
  startedAt: r.run_started_at ?? null,
  updatedAt: r.updated_at,
});

const toJob = (j: z.infer<typeof workflowJob>): JobDto => ({
  id: j.id,
  runId: j.run_id,
  name: j.name,
  status: j.status,
  conclusion: j.conclusion ?? null,
  startedAt: j.started_at ?? null,
  completedAt: j.completed_at ?? null,
  htmlUrl: j.html_url ?? null,
  steps: (j.steps ?? []).map((s) => ({
    number: s.number,
    name: s.name,
    status: s.status,
    conclusion: s.conclusion ?? null,
    startedAt: s.started_at ?? null,
    completedAt: s.completed_at ?? null,
  })),
});

/** The run or job a delivery reports; undefined for other events, and for payloads without the fields needed. */
export function runEventOf(event: string, payload: unknown): RunEvent | undefined {
  if (event === 'workflow_run') {
    const parsed = runEvent.safeParse(payload);
    if (!parsed.success) return undefined;
    const { repository: r, workflow_run: run } = parsed.data;
    return { kind: 'run', owner: r.owner.login, repo: r.name, run: toRun(run) };
  }
  if (event === 'workflow_job') {
    const parsed = jobEvent.safeParse(payload);
    if (!parsed.success) return undefined;
    const { repository: r, workflow_job: job } = parsed.data;
    return { kind: 'job', owner: r.owner.login, repo: r.name, runAttempt: job.run_attempt ?? 1, job: toJob(job) };
  }
  return undefined;
}
