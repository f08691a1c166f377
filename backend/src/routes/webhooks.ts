import express, { Router, type ErrorRequestHandler } from 'express';
import { Webhooks } from '@octokit/webhooks';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuthenticationError, InputError, statusOf } from '../errors.js';
import type { Store } from '../store/index.js';

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones (https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap). */
export const MAX_PAYLOAD = '25mb';

const headers = z.object({
  // Not covered by the signature, and it reaches Orca as `trigger.eventId`: GitHub's are GUIDs.
  'x-github-delivery': z.string().regex(/^[\w.:-]{1,100}$/, { error: 'must be a GitHub delivery id (a GUID)' }),
  'x-github-event': z.string().regex(/^[a-z_]{1,100}$/, { error: 'must be a GitHub event name' }),
  'x-hub-signature-256': z.string().regex(/^sha256=[0-9a-f]{64}$/, { error: 'must be sha256=<hex digest>' }),
});

/**
 * `POST /webhooks/github`: checks the signature (@octokit/webhooks, constant time), stores the delivery
 * and answers 202 at once; a worker processes stored deliveries, so nothing acknowledged is lost in a crash.
 * A redelivered id is acknowledged and not stored twice.
 */
export function webhookRouter({
  secret,
  store,
  logger,
  onDelivery,
}: {
  secret: string;
  store: Store;
  logger: Logger;
  /** Called after a new delivery is stored, to wake the worker. */
  onDelivery: () => void;
}): Router {
  const webhooks = new Webhooks({ secret });
  const router = Router();

  router.post('/github', express.raw({ type: () => true, limit: MAX_PAYLOAD }), async (req, res) => {
    const signature = req.get('x-hub-signature-256');
    if (!signature)
      throw new AuthenticationError(
        'The request is not signed: X-Hub-Signature-256 is missing. Set the webhook secret of the GitHub App to GITHUB_WEBHOOK_SECRET.',
      );
    const parsed = headers.safeParse({
      'x-github-delivery': req.get('x-github-delivery'),
      'x-github-event': req.get('x-github-event'),
      'x-hub-signature-256': signature,
    });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `header ${issue.path.join('.')} ${issue.message}`);
      throw new InputError(`Not a GitHub webhook delivery: ${problems.join('; ')}.`);
    }
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    // @octokit/webhooks throws on an empty payload rather than answering false.
    if (!body) throw new InputError('The delivery has no body: GitHub always sends the event as JSON.');
    if (!(await webhooks.verify(body, signature))) {
      throw new AuthenticationError(
        'The signature does not match: the GitHub App webhook secret differs from GITHUB_WEBHOOK_SECRET.',
      );
    }
    const { 'x-github-delivery': id, 'x-github-event': event } = parsed.data;
    let payload: { action?: unknown; zen?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      payload = undefined as unknown as typeof payload;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new InputError(
        'The delivery body is not JSON, or not a JSON object. Set the GitHub App webhook content type to application/json.',
      );
    }
    if (event === 'ping') {
      res.json({ ok: true, message: 'pong', zen: payload.zen });
      return;
    }
    const { inserted } = await store.recordDelivery({
      id,
      event,
      action: typeof payload.action === 'string' ? payload.action : null,
      payload: req.body as Buffer,
    });
    logger.info({ delivery: id, event, action: payload.action, duplicate: !inserted }, 'webhook delivery accepted');
    if (inserted) onDelivery();
    res.status(202).json({ accepted: true, delivery: id, duplicate: !inserted });
  });
  // The app's request log does not cover this route (app.ts), so refusals are logged here.
  router.use(((err, req, _res, next) => {
    const status = statusOf(err);
    if (status < 500) {
      const delivery = req.get('x-github-delivery');
      const event = req.get('x-github-event');
      logger.warn({ delivery, event, status, reason: (err as Error).message }, 'webhook delivery refused');
    }
    next(err);
  }) satisfies ErrorRequestHandler);

  return router;
}
