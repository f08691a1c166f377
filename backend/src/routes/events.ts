import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CheckRuns } from '../checks/checkRuns.js';
import type { DeploymentStatuses } from '../deployments/deploymentStatuses.js';
import { parse } from './validation.js';

const PIPELINE_EVENTS = new Set(['orca:pipeline:starting', 'orca:pipeline:complete', 'orca:pipeline:failed']);
/** Stage events move a check run's stage summary on (orca EchoNotifyingStageListener sends `content.executionId`). */
const STAGE_EVENTS = new Set(['orca:stage:starting', 'orca:stage:complete', 'orca:stage:failed', 'orca:stage:skipped']);

/** Orca's pipeline and stage events as Echo forwards them with `wrap: false` (echo Event); only the fields read here. */
const orcaEvent = z.object({
  details: z.object({ source: z.literal('orca'), type: z.enum([...PIPELINE_EVENTS, ...STAGE_EVENTS]) }),
  content: z.object({ executionId: z.string().min(1).max(100) }),
});

/** Any event Echo forwards: a JSON object. */
const anyEvent = z.looseObject({});

/**
 * `POST /events/echo`: Echo's REST event forwarding. Echo posts every event to every endpoint; only Orca's pipeline
 * and stage events matter. Both `/events/echo` and `/events/echo/` are accepted: Echo posts to the URL exactly as
 * configured since Spinnaker 2025.0.7 and 2025.1.2 (spinnaker/spinnaker#7212), and with a trailing slash before. The
 * event is a nudge: the execution is read back from Gate before any deployment status is written, so the endpoint
 * needs no secret and a forged event changes nothing.
 */
export function eventsRouter({
  statuses,
  checkRuns,
  logger,
}: {
  statuses: DeploymentStatuses;
  checkRuns?: CheckRuns;
  logger: Logger;
}): Router {
  const router = Router();
  router.post(['/echo', '/echo/'], express.json({ limit: '10mb' }), async (req, res) => {
    parse(anyEvent, req.body, 'body');
    // Any other event is answered 200: many have no source (Gate's manual trigger, Pub/Sub; Echo drops null fields),
    // and Echo logs every non-2xx answer at ERROR and counts it in event.send.errors (echo RestEventListener).
    const event = orcaEvent.safeParse(req.body);
    if (!event.success) {
      res.json({ accepted: true, relevant: false });
      return;
    }
    const { executionId } = event.data.content;
    const { type } = event.data.details;
    const pipelineEvent = PIPELINE_EVENTS.has(type);
    const followed = pipelineEvent && (await statuses.executionEvent(executionId));
    if (followed) logger.info({ execution: executionId, type }, 'pipeline event for a deployment');
    const checked = (await checkRuns?.executionEvent(executionId)) ?? false;
    res.json({ accepted: true, relevant: followed || checked });
  });
  return router;
}
