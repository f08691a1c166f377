import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CheckRuns } from '../checks/checkRuns.js';
import type { DeploymentStatuses } from '../deployments/deploymentStatuses.js';
import { parse } from './validation.js';

/** Echo's event with `wrap: false` (echo Event: details, content, eventId); only the fields read here. */
const echoEvent = z.object({
  details: z.object({ source: z.string(), type: z.string() }),
  content: z.looseObject({ executionId: z.string().min(1).max(100).optional() }).optional(),
});

const PIPELINE_EVENTS = new Set(['orca:pipeline:starting', 'orca:pipeline:complete', 'orca:pipeline:failed']);
/** Stage events move a check run's stage summary on (orca EchoNotifyingStageListener sends `content.executionId`). */
const STAGE_EVENTS = new Set(['orca:stage:starting', 'orca:stage:complete', 'orca:stage:failed']);

/**
 * `POST /events/echo`: Echo's REST event forwarding. Echo posts every event to every endpoint, with a trailing
 * slash; only Orca's pipeline events matter. The event is a nudge: the execution is read back from Gate before any
 * deployment status is written, so the endpoint needs no secret and a forged event changes nothing.
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
    const event = parse(echoEvent, req.body, 'body');
    const executionId = event.content?.executionId;
    const { type } = event.details;
    const pipelineEvent = PIPELINE_EVENTS.has(type);
    if (event.details.source !== 'orca' || !(pipelineEvent || STAGE_EVENTS.has(type)) || !executionId) {
      res.json({ accepted: true, relevant: false });
      return;
    }
    const followed = pipelineEvent && (await statuses.executionEvent(executionId));
    if (followed) logger.info({ execution: executionId, type }, 'pipeline event for a deployment');
    const checked = (await checkRuns?.executionEvent(executionId)) ?? false;
    res.json({ accepted: true, relevant: followed || checked });
  });
  return router;
}
