import { z } from 'zod';
import type { JobDto, RunDto } from '../contract.js';
import { toJob, toRun } from '../github/githubReads.js';

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
