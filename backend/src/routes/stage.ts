import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { wantsCheckRun, type CheckRuns } from '../checks/checkRuns.js';
import type { StageDispatchDto } from '../contract.js';
import { AuthenticationError, InputError } from '../errors.js';
import { checkDispatch, type AccessPolicy } from '../stage/accessPolicy.js';
import { inert } from '../spel.js';
import { dispatchKey } from '../stage/dispatchKey.js';
import { formatOf } from '../stage/resultsFile.js';
import { toStageRun } from '../stage/runStatus.js';
import type { DispatchRequest, StageRuns } from '../stage/stageRuns.js';
import { findUnresolved, unresolvedError } from '../stage/unresolvedExpressions.js';
import { dispatchRef, numericId, owner, parse, repo, repoParams, workflow } from './validation.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `X-Stage-Secret` must equal STAGE_SECRET, or STAGE_SECRET_PREVIOUS while a rotation is under way (Orca before
 * 2026.1 keeps the secret it started a stage with in that stage's context, and sends it until the stage ends).
 * Compared in constant time, each secret in turn; never logged.
 */
export function requireStageSecret(secret: string, previous?: string): RequestHandler {
  const expected = [secret, previous].filter((value) => value !== undefined).map(digest);
  return (req, _res, next) => {
    const given = req.get('x-stage-secret');
    const digested = given === undefined ? undefined : digest(given);
    if (!digested || !expected.some((value) => timingSafeEqual(digested, value))) {
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
/** A checkbox of the stage: Orca renders it as true or "true". */
const checkbox = (params?: Parameters<typeof z.union>[1]) => z.union([z.boolean(), z.enum(['true', 'false'])], params);
const stageKey = {
  /** Orca's execution id, stage id and stage start time: together they make the idempotency key. */
  executionId: z.string().min(1).max(200),
  stageId: z.string().min(1).max(200),
  /** Differs when a user restarts the stage (same stage id), so a restart dispatches anew. */
  stageStartTime: z.union([z.number().int(), z.string().max(40)]).optional(),
};

const identity = {
  ...stageKey,
  /** The Spinnaker application of the execution (for the access policy). */
  application: z.string().max(200).optional(),
  repository,
  /** The artifact of the run, and the file in it, whose keys become the stage's outputs (docs/stage.md). */
  propertyArtifact: z.string().min(1).max(256).optional(),
  propertyFile: z.string().min(1).max(1024).optional(),
  /**
   * Orca polls the run only when the stage says `waitForCompletion: true` (orca WebhookStage: a plain boolean, so a
   * stage without it is taken as false and succeeds at once). Only Deck's editor sets it by default; a stage written
   * by hand or by a template must say it, or it would let the stages after it run before the workflow has finished.
   */
  waitForCompletion: checkbox({
    error: (issue) =>
      issue.input === undefined
        ? "is missing: set it on the stage, true to finish with the run's result or false to finish once the run has started (Orca does not wait for a stage without it)"
        : 'must be true or false',
  }),
  /** Report the pipeline as a check run on the run's commit (docs/stage.md). */
  checkRun: checkbox().optional(),
};

const dispatchBody = z.discriminatedUnion('dispatchType', [
  z.object({
    ...identity,
    dispatchType: z.literal('workflow_dispatch'),
    workflow,
    ref: dispatchRef.optional(),
    inputs: z
      .record(z.string(), inputValue)
      // GitHub.com's limit. GitHub Enterprise Server 3.19 and earlier allow 10 (`maxProperties` in @octokit/openapi
      // ghes-3.19.json) and refuse more themselves; the message names both so that neither reader is misled.
      .refine((inputs) => Object.keys(inputs).length <= 25, {
        error:
          'has more than 25 inputs: GitHub.com and GitHub Enterprise Cloud accept at most 25, GitHub Enterprise Server 3.19 and earlier at most 10',
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
  return Object.fromEntries(entries);
}

/** A body that is not JSON because Orca sent its template unevaluated gets a 400 that says why (unresolvedExpressions.ts). */
const explainUnevaluated: ErrorRequestHandler = (err, _req, _res, next) => {
  const failure = err as { type?: unknown; body?: unknown };
  if (failure.type === 'entity.parse.failed' && typeof failure.body === 'string') {
    const unresolved = findUnresolved(failure.body);
    if (unresolved.length) {
      next(unresolvedError(unresolved));
      return;
    }
  }
  next(err);
};

const runParams = repoParams.extend({ runId: numericId });
const cancelBody = z.object(stageKey);

/** The base URL Orca reached us on, so that the status URL we answer works from Orca. */
const selfUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** The endpoints Orca's preconfigured webhook stage calls (docs/stage.md has the Orca configuration). */
export function stageRouter({
  stageRuns,
  stageSecret,
  previousStageSecret,
  accessPolicy,
  checkRuns,
}: {
  stageRuns: StageRuns;
  stageSecret: string;
  /** STAGE_SECRET_PREVIOUS: still accepted while the secret is rotated (docs/orca.md). */
  previousStageSecret?: string;
  accessPolicy: AccessPolicy;
  /** Told of stages that ask for a check run; without it the field is accepted and ignored. */
  checkRuns?: CheckRuns;
}): Router {
  const router = Router();
  router.use(requireStageSecret(stageSecret, previousStageSecret));
  // Orca keeps these answers in the stage's context and evaluates that context again each time a task runs: run
  // titles, branch and job names are GitHub users' text, so every answer, errors included, is made inert.
  router.use((_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(inert(body));
    next();
  });
  router.use(express.json({ limit: '1mb' }), explainUnevaluated);

  router.post('/dispatch', async (req, res) => {
    const unresolved = findUnresolved(req.body);
    if (unresolved.length) throw unresolvedError(unresolved);
    const body = parse(
      dispatchBody,
      { dispatchType: 'workflow_dispatch', ...(withoutEmpty(req.body) as object) },
      'body',
    );
    const { owner, repo } = body.repository;
    checkDispatch(accessPolicy, { application: body.application, owner, repo });
    const key = dispatchKey(body);
    if (body.propertyFile && !formatOf(body.propertyFile)) {
      throw new InputError(
        `propertyFile ${body.propertyFile} must end in .json, .yml, .yaml or .properties: the stage reads its format from the extension.`,
      );
    }
    if (Boolean(body.propertyArtifact) !== Boolean(body.propertyFile)) {
      throw new InputError('Set both propertyArtifact and propertyFile, or neither.');
    }
    const results =
      body.propertyArtifact && body.propertyFile
        ? { artifact: body.propertyArtifact, file: body.propertyFile }
        : undefined;
    const request: DispatchRequest =
      body.dispatchType === 'workflow_dispatch'
        ? {
            key,
            results,
            owner,
            repo,
            dispatchType: body.dispatchType,
            workflow: body.workflow,
            ref: body.ref,
            inputs: body.inputs,
          }
        : {
            key,
            results,
            owner,
            repo,
            dispatchType: body.dispatchType,
            eventType: body.eventType,
            clientPayload: body.clientPayload,
          };
    const { run, correlationId } = await stageRuns.dispatch(request);
    // Stored before the answer, so that the check run follows even if this process stops right after.
    if (checkRuns && wantsCheckRun(body)) {
      await checkRuns.follow({ executionId: body.executionId, owner, repo, headSha: run.headSha });
    }
    // Absolute, and without a query string: Orca polls it as given (docs/research/orca-webhook-stage.md §3).
    const statusUrl = new URL(`/stage/runs/${owner}/${repo}/${run.id}`, selfUrl(req));
    res.json({
      ...toStageRun(owner, repo, run),
      statusUrl: statusUrl.toString(),
      correlationId,
    } satisfies StageDispatchDto);
  });

  router.get('/runs/:owner/:repo/:runId', async (req, res) => {
    res.json(await stageRuns.status(parse(runParams, req.params, 'path')));
  });

  // Orca's cancelEndpoint: it names the stage, not the run, so it works even when the dispatch failed.
  router.post('/cancel', async (req, res) => {
    const body = parse(cancelBody, withoutEmpty(req.body), 'body');
    res.status(202).json(await stageRuns.cancelByKey(dispatchKey(body)));
  });

  router.post('/runs/:owner/:repo/:runId/cancel', async (req, res) => {
    res.status(202).json(await stageRuns.cancel(parse(runParams, req.params, 'path')));
  });

  return router;
}
