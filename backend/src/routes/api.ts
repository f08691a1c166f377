import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { ListDto, PipelineStartDto } from '../contract.js';
import { ContentTooLargeError } from '../errors.js';
import type { GithubReads } from '../github/githubReads.js';
import type { JobLogCache } from '../github/jobLogCache.js';
import type { RunStates } from '../stage/runStates.js';
import { failedPipelineStarts, type Store } from '../store/index.js';
import { mayReadApplication } from '../spinnaker/fiat.js';
import { mayRead, requireReader, requireRepositoryReader, type ReadAccess } from './readAccess.js';
import { gitRef, numericId, parse, repoParams, workflow } from './validation.js';

const runParams = repoParams.extend({ runId: numericId });
const jobParams = repoParams.extend({ jobId: numericId });
const deploymentParams = repoParams.extend({ deploymentId: numericId });
const inputsParams = repoParams.extend({ workflow });
const inputsQuery = z.object({ ref: gitRef.optional() });
const runsQuery = z.object({ workflow: workflow.optional() });

/** The most bytes of a log one answer carries: Gate holds each proxied answer whole in its heap. */
export const MAX_LOG_RANGE = 2 * 1024 * 1024;
// Digits only: `start=`, `0x10` or `1e3` are a client's mistake, not 0, 16 and 1000.
const byteCount = z
  .string({ error: 'must be given once' })
  .regex(/^-?\d{1,15}$/, { error: 'must be a number of bytes, in digits' })
  .transform(Number);
const logQuery = z.object({
  start: byteCount.pipe(z.number().min(0, { error: 'must be 0 or more' })).optional(),
  length: byteCount
    .pipe(
      z
        .number()
        .min(1, { error: 'must be at least 1' })
        .max(MAX_LOG_RANGE, { error: `must be at most ${MAX_LOG_RANGE} (2 MiB)` }),
    )
    .optional(),
});

async function send(res: Response, body: Readable): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (error) {
    // The viewer went away mid-download: nothing to answer, nothing to log.
    if (!res.destroyed && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

const startsQuery = z.object({ status: z.literal('failed', { error: 'only status=failed is listed' }) });

const list = <T>(items: T[]): ListDto<T> => ({ items });

/**
 * The read API the Deck plugin uses through Gate's proxy. With `readAccess` (FIAT_URL), each user reads only the
 * repositories mapped to applications they may READ, and the failed starts of those applications.
 */
export function apiRouter({
  logs,
  reads,
  runs,
  store,
  readAccess,
}: {
  logs: JobLogCache;
  reads: GithubReads;
  /** Runs and jobs, from GitHub's events where they arrive (runStates.ts). */
  runs: RunStates;
  store: Store;
  readAccess?: ReadAccess;
}): Router {
  const router = Router();
  router.use(requireReader(readAccess));
  router.use('/repos/:owner/:repo', requireRepositoryReader(readAccess));

  // Pipeline starts the backend gave up on after retries (GitHub events that should have started a pipeline).
  router.get('/pipeline-starts', async (req, res) => {
    parse(startsQuery, req.query, 'query');
    const permissions = req.readPermissions;
    const starts = (await failedPipelineStarts(store.db)).filter(
      (start) => !permissions || mayReadApplication(permissions, start.application),
    );
    res.json(
      list(
        starts.map((start): PipelineStartDto => ({
          deliveryId: start.deliveryId,
          application: start.application,
          pipelineId: start.pipelineId,
          pipelineName: start.pipelineName,
          status: start.status,
          attempts: start.attempts,
          lastError: start.lastError,
          updatedAt: start.updatedAt.toISOString(),
        })),
      ),
    );
  });

  router.get('/repos', async (req, res) => {
    const repositories = await reads.listRepositories();
    res.json(list(repositories.filter((r) => mayRead(readAccess, req.readPermissions, r.owner, r.name))));
  });

  router.get('/repos/:owner/:repo/workflows', async (req, res) => {
    res.json(list(await reads.listWorkflows(parse(repoParams, req.params, 'path'))));
  });

  router.get('/repos/:owner/:repo/workflows/:workflow/inputs', async (req, res) => {
    const params = parse(inputsParams, req.params, 'path');
    const { ref } = parse(inputsQuery, req.query, 'query');
    res.json(await reads.getWorkflowInputs({ ...params, ref }));
  });

  router.get('/repos/:owner/:repo/branches', async (req, res) => {
    res.json(list(await reads.listBranches(parse(repoParams, req.params, 'path'))));
  });

  router.get('/repos/:owner/:repo/runs', async (req, res) => {
    const params = parse(repoParams, req.params, 'path');
    const query = parse(runsQuery, req.query, 'query');
    res.json(list(await reads.listRecentRuns({ ...params, ...query })));
  });

  router.get('/repos/:owner/:repo/deployments', async (req, res) => {
    res.json(list(await reads.listDeployments(parse(repoParams, req.params, 'path'))));
  });

  router.get('/repos/:owner/:repo/runs/:runId', async (req, res) => {
    res.json(await runs.run(parse(runParams, req.params, 'path')));
  });

  // The event a webhook delivery would have carried, for a manual start from Deck (docs/triggers.md).
  router.get('/repos/:owner/:repo/runs/:runId/event', async (req, res) => {
    res.json(await reads.getWorkflowRunEvent(parse(runParams, req.params, 'path')));
  });

  router.get('/repos/:owner/:repo/deployments/:deploymentId/event', async (req, res) => {
    res.json(await reads.getDeploymentEvent(parse(deploymentParams, req.params, 'path')));
  });

  router.get('/repos/:owner/:repo/runs/:runId/jobs', async (req, res) => {
    res.json(list(await runs.jobs(parse(runParams, req.params, 'path'))));
  });

  router.get('/repos/:owner/:repo/jobs/:jobId/logs', async (req, res) => {
    const job = parse(jobParams, req.params, 'path');
    const { start, length } = parse(logQuery, req.query, 'query');
    if (start === undefined && length === undefined) {
      // The whole log, as plain text, only while it fits in one answer: Gate holds each answer whole in its heap, and
      // a log can be hundreds of megabytes.
      const log = await logs.read(job, { length: MAX_LOG_RANGE });
      if (log.end < log.size) {
        log.body.destroy();
        throw new ContentTooLargeError(
          `The log of job ${job.jobId} has ${log.size} bytes, more than one answer may carry (2 MiB): read it in ` +
            "ranges, ?start=0 and then ?start= the end given on each answer's first line (docs/api.md).",
        );
      }
      res.type('text/plain; charset=utf-8');
      res.setHeader('Content-Length', String(log.end));
      return send(res, log.body);
    }
    const log = await logs.read(job, { start: start ?? 0, length: length ?? MAX_LOG_RANGE });
    res.type('text/plain; charset=utf-8');
    const age = log.age === undefined ? '' : ` age=${log.age}`;
    const header = `#log start=${log.start} end=${log.end} size=${log.size} complete=${log.complete}${age}\n`;
    res.setHeader('Content-Length', String(Buffer.byteLength(header) + log.end - log.start));
    res.setHeader('Cache-Control', 'no-store');
    res.write(header);
    return send(res, log.body);
  });

  return router;
}
