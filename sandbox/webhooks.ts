import { createHmac, randomUUID } from 'node:crypto';

import { API } from '../backend/emulators/github/entities.js';
import type { GithubSimulator } from '../backend/emulators/github/simulator.js';

/** The `workflow_run` `completed` delivery GitHub sends for a run, built from the simulated GitHub's state. */
export function workflowRunPayload(sim: GithubSimulator, runId: number): Record<string, unknown> {
  const state = sim.runs.get(runId);
  if (!state) throw new Error(`No run ${runId} in the GitHub emulator`);
  const repo = sim.repos.get(state.repo);
  const installation = [...sim.installations.values()].find((i) =>
    i.repositories.some((name) => name.toLowerCase() === state.repo),
  );
  return asDelivered(sim, {
    action: 'completed',
    workflow_run: state.run,
    workflow: repo?.workflows.find((w) => w.id === state.run.workflow_id),
    repository: repo?.full,
    sender: state.run.actor,
    installation: installation && { id: installation.data.id },
  });
}

/** A delivery's API links point at the API that sent it, as the emulator's REST answers do (simulator.ts). */
export const asDelivered = (sim: GithubSimulator, payload: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(payload).split(API).join(sim.apiUrl)) as Record<string, unknown>;

/** POSTs a delivery to the backend's `/webhooks/github`, signed with the App's webhook secret as GitHub signs it. */
export async function deliver(
  backendUrl: string,
  secret: string,
  event: string,
  payload: unknown,
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const response = await fetch(`${backendUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sandbox',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signature,
    },
    body,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}
