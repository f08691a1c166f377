import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { StageDispatchDto } from '../contract.js';
import { AuthenticationError } from '../errors.js';
import { toStageRun } from '../stage/runStatus.js';
import type { DispatchRequest, StageRuns } from '../stage/stageRuns.js';
import { gitRef, numericId, owner, parse, repo, repoParams, workflow } from './validation.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `X-Stage-Secret` must equal STAGE_SECRET; compared in constant time, never logged. */
export function requireStageSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, _res, next) => {
    const given = req.get('x-stage-secret');
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(
        new AuthenticationError("Missing or wrong X-Stage-Secret header: it must equal the backend's STAGE_SECRET."),
      );
      return;
    }
    next();
  };
}

const repository = z.string().transform((value, ctx) => {
  const [ownerPart = '', repoPart = '', ...rest] = value.split('/');
  const parsed = z.object({ owner, repo }).safeParse({ owner: ownerPart, repo: repoPart });
  if (rest.length || !parsed.success) {
    ctx.addIssue({ code: 'custom', message: `must be owner/repo, got "${value}"` });
    return z.NEVER;
  }
  return parsed.data;
});

const inputValue = z.union([z.string(), z.number(), z.boolean()]);
const identity = {
  /** Orca's execution id and stage id: together they make the idempotency key. */
  executionId: z.string().min(1).max(200),
  stageId: z.string().min(1).max(200),
  repository,
  waitForCompletion: z.boolean().default(true),
};

const dispatchBody = z.discriminatedUnion('dispatchType', [
  z.object({
    ...identity,
    dispatchType: z.literal('workflow_dispatch'),
    workflow,
    ref: gitRef.optional(),
    inputs: z
      .record(z.string(), inputValue)
      .refine((inputs) => Object.keys(inputs).length <= 25, {
        error: 'GitHub accepts at most 25 inputs',
      })
      .default({}),
  }),
  z.object({
    ...identity,
    dispatchType: z.literal('repository_dispatch'),
    eventType: z.string().min(1).max(100),
    clientPayload: z.record(z.string(), z.unknown()).default({}),
  }),
]);

/** Orca may send empty strings for unset optional fields (an unset SpEL value renders empty). */
function withoutEmpty(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const entries = Object.entries(body as Record<string, unknown>).filter(([, value]) => value !== '' && value !== null);
  const cleaned = Object.fromEntries(entries);
  return { dispatchType: 'workflow_dispatch', ...cleaned };
}

const runParams = repoParams.extend({ runId: numericId });
const statusQuery = z.object({ waitForCompletion: z.enum(['true', 'false']).default('true') });

/** The base URL Orca reached us on, so that the status URL we answer works from Orca. */
const selfUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** The endpoints Orca's preconfigured webhook stage calls (docs/stage.md has the Orca configuration). */
export function stageRouter({ stageRuns, stageSecret }: { stageRuns: StageRuns; stageSecret: string }): Router {
  const router = Router();
  router.use(requireStageSecret(stageSecret));

  router.post('/dispatch', async (req, res) => {
    const body = parse(dispatchBody, withoutEmpty(req.body), 'body');
    const { owner, repo } = body.repository;
    const key = `${body.executionId}/${body.stageId}`;
    const request: DispatchRequest =
      body.dispatchType === 'workflow_dispatch'
        ? {
            key,
            owner,
            repo,
            dispatchType: body.dispatchType,
            workflow: body.workflow,
            ref: body.ref,
            inputs: body.inputs,
          }
        : {
            key,
            owner,
            repo,
            dispatchType: body.dispatchType,
            eventType: body.eventType,
            clientPayload: body.clientPayload,
          };
    const { run, correlationId } = await stageRuns.dispatch(request);
    const statusUrl = new URL(`/stage/runs/${owner}/${repo}/${run.id}`, selfUrl(req));
    if (!body.waitForCompletion) statusUrl.searchParams.set('waitForCompletion', 'false');
    res.json({
      ...toStageRun(owner, repo, run),
      statusUrl: statusUrl.toString(),
      correlationId,
    } satisfies StageDispatchDto);
  });

  router.get('/runs/:owner/:repo/:runId', async (req, res) => {
    const params = parse(runParams, req.params, 'path');
    const { waitForCompletion } = parse(statusQuery, req.query, 'query');
    res.json(await stageRuns.status(params, { waitForCompletion: waitForCompletion === 'true' }));
  });

  router.post('/runs/:owner/:repo/:runId/cancel', async (req, res) => {
    res.status(202).json(await stageRuns.cancel(parse(runParams, req.params, 'path')));
  });

  return router;
}
