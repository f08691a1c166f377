import express from 'express';
import { createServer } from 'node:http';
import { getResponse } from 'msw';

import { GateSimulator } from '../backend/emulators/spinnaker/gateSimulator.js';
import { deckGate, type DeckGateDeps } from './deckGate.js';
import { close, listen, sendFetchResponse, toFetchRequest } from './http.js';

export const APPLICATION = 'hello';

/** Pipeline configs as front50 keeps them, with our two trigger types (src/triggers). */
export const PIPELINES = [
  {
    id: '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0001',
    name: 'Deploy after CI',
    application: APPLICATION,
    triggers: [
      {
        type: 'githubWorkflowRun',
        enabled: true,
        repository: 'octo-org/hello-world',
        workflow: 'ci.yml',
        branch: 'main',
        conclusion: 'success',
        checkRun: true,
      },
    ],
    stages: [{ refId: '1', requisiteStageRefIds: [], type: 'wait', name: 'Wait for CI', waitTime: 5 }],
  },
  {
    id: '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0002',
    name: 'Deploy a GitHub deployment',
    application: APPLICATION,
    triggers: [
      {
        type: 'githubDeployment',
        enabled: true,
        repository: 'octo-org/hello-world',
        environment: 'production',
        checkRun: true,
      },
    ],
  },
  // The pipeline Deck opens on: our stage and both triggers (on a workflow and an environment nothing else uses).
  {
    id: '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0003',
    name: 'Deploy with GitHub',
    application: APPLICATION,
    keepWaitingPipelines: false,
    limitConcurrent: true,
    stages: [
      {
        refId: '1',
        requisiteStageRefIds: [],
        type: 'githubWorkflow',
        alias: 'preconfiguredWebhook',
        name: 'Deploy with GitHub',
        repository: 'octo-org/hello-world',
        dispatchType: 'workflow_dispatch',
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { version: '1.4.2', region: 'eu-west-1' },
        waitForCompletion: true,
      },
    ],
    triggers: [
      {
        type: 'githubWorkflowRun',
        enabled: false,
        repository: 'octo-org/hello-world',
        workflow: 'release.yml',
        branch: 'main',
        conclusion: 'success',
      },
      { type: 'githubDeployment', enabled: false, repository: 'octo-org/hello-world', environment: 'staging' },
    ],
  },
];

export interface GateEmulator {
  url: string;
  sim: GateSimulator;
  close(): Promise<void>;
}

/**
 * The simulated Gate the tests use too (backend/emulators/spinnaker/gateSimulator.ts) behind a real HTTP server on loopback, with, in
 * front of it, what Deck's own screens ask Gate for (sandbox/deckGate.ts).
 */
export async function startGateEmulator(deck: Omit<DeckGateDeps, 'sim'>): Promise<GateEmulator> {
  const server = createServer();
  const url = await listen(server, 0);
  const sim = new GateSimulator(url);
  sim.pipelines = structuredClone(PIPELINES);
  const [afterCi] = PIPELINES;
  if (afterCi) {
    // One earlier execution, started by CI run 3001 on main, as the backend would have started it.
    const at = Date.parse('2024-01-01T00:10:00Z');
    sim.executions.set('01HKZ3M8Q5W2V7R4T6Y9B1C3D5', {
      type: 'PIPELINE',
      id: '01HKZ3M8Q5W2V7R4T6Y9B1C3D5',
      application: APPLICATION,
      name: afterCi.name,
      pipelineConfigId: afterCi.id,
      status: 'SUCCEEDED',
      buildTime: at,
      startTime: at,
      endTime: at + 95_000,
      canceled: false,
      origin: 'api',
      authentication: { user: 'anonymous', allowedAccounts: [] },
      trigger: { ...afterCi.triggers[0], workflowRunId: 3001, user: 'anonymous', notifications: [] },
      stages: [],
    });
  }
  const app = express();
  app.disable('x-powered-by');
  app.use(deckGate({ ...deck, sim }));
  app.use((req, res) => {
    void (async () => {
      const request = await toFetchRequest(req, url);
      const response = (await getResponse(sim.handlers, request)) ?? new Response('Not Found', { status: 404 });
      sim.requests.splice(0);
      await sendFetchResponse(res, response);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.on('request', app);
  return { url, sim, close: () => close(server) };
}
