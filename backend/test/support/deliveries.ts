import { createHmac } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { GithubSimulator, SimulatedEvent } from '../../emulators/github/simulator.js';
import { WEBHOOK_SECRET } from './app.js';

/** Signs and posts a simulated delivery to the app's webhook endpoint, as GitHub does. */
export async function deliver(app: Express, event: SimulatedEvent): Promise<void> {
  const body = JSON.stringify(event.payload);
  await request(app)
    .post('/webhooks/github')
    .set('content-type', 'application/json')
    .set('x-github-event', event.name)
    .set('x-github-delivery', event.id)
    .set('x-hub-signature-256', `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`)
    .send(body)
    .expect(202);
}

/** Collects the simulator's events as GitHub sends them; `take()` hands over those collected so far. */
export function collectEvents(sim: GithubSimulator): { take(): SimulatedEvent[] } {
  const events: SimulatedEvent[] = [];
  sim.onEvent((event) => events.push(event));
  return { take: () => events.splice(0) };
}
