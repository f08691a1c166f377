import express, { Router } from 'express';

import { SEED } from '../backend/emulators/github/seed.js';
import type { GithubSimulator } from '../backend/emulators/github/simulator.js';
import type { GateSimulator } from '../backend/emulators/spinnaker/gateSimulator.js';
import { checkRunsOf, createDeployment, deploymentsOf } from './deployments.js';
import { APPLICATION, PIPELINES } from './gateEmulator.js';
import type { SandboxOrca } from './orca.js';
import { workflowRunPayload } from './webhooks.js';

const HELLO = SEED.repos['octo-org/hello-world'];

/** The sandbox page's own API under /sandbox (sandbox/page/sandboxApi.ts): nothing here is part of the backend. */
export function sandboxRouter(deps: {
  github: GithubSimulator;
  gate: GateSimulator;
  orca: SandboxOrca;
  sampleExecutionId: string;
  largeLogExecutionId?: string;
  deliver: (event: string, payload: unknown) => Promise<{ status: number; body: unknown }>;
}): Router {
  const { github, gate, orca } = deps;
  const router = Router();
  router.get('/state', (_req, res) => {
    const [workflowRun, deployment] = PIPELINES;
    const triggers = [...(workflowRun?.triggers ?? []), ...(deployment?.triggers ?? [])];
    res.json({
      application: APPLICATION,
      sampleExecutionId: deps.sampleExecutionId,
      largeLogExecutionId: deps.largeLogExecutionId,
      pipeline: { ...workflowRun, triggers },
    });
  });
  router.post('/executions', express.json(), (req, res) => {
    res.json(orca.run((req.body as { stage: Record<string, unknown> }).stage));
  });
  router.get('/executions/:id', (req, res) => {
    const execution = orca.executions.get(req.params.id);
    if (execution) res.json(execution);
    else res.status(404).json({ error: { name: 'NotFoundError', message: `No execution ${req.params.id}` } });
  });
  router.get('/gate/executions', (_req, res) => {
    res.json([...gate.executions.values()].sort((a, b) => b.startTime - a.startTime));
  });
  router.post('/webhooks/workflow-run', async (_req, res) => {
    res.json(await deps.deliver('workflow_run', workflowRunPayload(github, HELLO.runs.success)));
  });
  router.post('/webhooks/deployment', async (_req, res) => {
    const where = { owner: 'octo-org', repo: 'hello-world', environment: 'production', ref: 'main' };
    res.json(await deps.deliver('deployment', createDeployment(github, where)));
  });
  router.get('/github/deployments', (_req, res) => {
    res.json(deploymentsOf(github, 'octo-org/hello-world'));
  });
  router.get('/github/check-runs', (_req, res) => {
    res.json(checkRunsOf(github, 'octo-org/hello-world'));
  });
  return router;
}
