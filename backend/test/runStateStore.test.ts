import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobDto, RunDto } from '../src/contract.js';
import { runEventOf } from '../src/stage/runEvents.js';
import {
  applyRunEvent,
  claimJobRead,
  findJobNews,
  findRunState,
  pruneRunStates,
  saveJob,
  saveJobs,
  saveRun,
  type Store,
} from '../src/store/index.js';
import { DIALECTS, targetOf, type Target } from './support/stores.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: { action?: string }[];
}[];
const recorded = (name: string, action: string) =>
  examples.find((e) => e.name === name)?.examples.find((example) => example.action === action);

const T0 = new Date('2025-01-01T00:00:00Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A recorded run and job, renumbered so that one test can follow several runs. */
function runAndJob(runId: number, status: 'completed' | 'in_progress'): { run: RunDto; job: JobDto } {
  const runEvent = runEventOf('workflow_run', recorded('workflow_run', 'completed'));
  const jobEvent = runEventOf('workflow_job', recorded('workflow_job', 'completed'));
  if (runEvent?.kind !== 'run' || jobEvent?.kind !== 'job') throw new Error('no recorded workflow_run/workflow_job');
  const run = status === 'completed' ? runEvent.run : { ...runEvent.run, status, conclusion: null };
  return { run: { ...run, id: runId, runAttempt: 1 }, job: { ...jobEvent.job, id: runId * 10, runId } };
}

for (const { kind, skipped } of DIALECTS) {
  describe.skipIf(skipped !== undefined)(`the run state on ${kind}${skipped ? ` (${skipped})` : ''}`, () => {
    let target: Target;
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      await target.drop();
    });

    async function follow(runId: number, status: 'completed' | 'in_progress', now: Date) {
      const { run, job } = runAndJob(runId, status);
      await saveRun(store!.db, { owner: 'octo-org', repo: 'hello-world', run, source: 'read' }, now);
      await saveJobs(store!.db, { runId, jobs: [job], runAttempt: 1, source: 'event' }, now);
      return run;
    }

    it('drops the runs and jobs nothing changed during the retention, and keeps the others', async () => {
      target = await targetOf(kind);
      store = await target.open();
      await follow(1, 'completed', T0);
      await follow(2, 'in_progress', T0);
      await follow(3, 'completed', at(8 * DAY));
      const revived = await follow(4, 'in_progress', T0);
      // An event on day 8 keeps run 4: Orca is still polling it.
      await applyRunEvent(store.db, { ...revived, status: 'completed', conclusion: 'success' }, at(8 * DAY));

      expect(await pruneRunStates(store.db, at(7 * DAY))).toBe(2);
      expect(await pruneRunStates(store.db, at(7 * DAY))).toBe(0);

      expect(await findRunState(store.db, 1)).toBeUndefined();
      expect(await findRunState(store.db, 2)).toBeUndefined();
      expect((await findRunState(store.db, 3))?.jobs.map((job) => job.id)).toEqual([30]);
      expect((await findRunState(store.db, 4))?.run.status).toBe('completed');
      const jobs = await store.db.selectFrom('run_jobs').select('run_id').orderBy('run_id').execute();
      expect(jobs.map((row) => Number(row.run_id))).toEqual([3, 4]);
    });

    it('prunes a backlog larger than one batch', async () => {
      target = await targetOf(kind);
      store = await target.open();
      for (let runId = 1; runId <= 501; runId++) await follow(runId, 'completed', T0);

      expect(await pruneRunStates(store.db, at(DAY))).toBe(501);
      expect(await store.db.selectFrom('run_jobs').select('job_id').execute()).toEqual([]);
    });

    it('lets one of two replicas that saw the same news of a running job read it, and keeps the newest answer', async () => {
      target = await targetOf(kind);
      store = await target.open();
      const { db } = store;
      const { run, job: completed } = runAndJob(5, 'in_progress');
      const running: JobDto = { ...completed, status: 'in_progress', conclusion: null, completedAt: null };
      await saveRun(db, { owner: 'octo-org', repo: 'hello-world', run, source: 'read' }, T0);
      await saveJobs(db, { runId: 5, jobs: [running], runAttempt: 1, source: 'event' }, T0);
      const heard = (await findJobNews(db, running.id))!.updatedAt;

      // Both replicas' log refreshes find the job's news a minute old at once.
      const claims = await Promise.all([
        claimJobRead(db, running.id, heard, at(60_000)),
        claimJobRead(db, running.id, heard, at(60_001)),
      ]);
      // The one that claimed it reads that the job has completed; a read of the job still running comes after.
      await saveJob(db, { runId: 5, job: completed, runAttempt: 1 }, at(61_000));
      await saveJob(db, { runId: 5, job: running, runAttempt: 1 }, at(62_000));

      expect(heard).toEqual(T0);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await findRunState(db, 5))?.jobs).toEqual([completed]);
      expect((await findJobNews(db, running.id))?.updatedAt).toEqual(at(61_000));
    });
  });
}
