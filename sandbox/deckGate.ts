import express, { Router, type RequestHandler } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import { EchoConversionError, echoManualTrigger } from '../backend/emulators/spinnaker/echoTrigger.js';
import type { GateSimulator } from '../backend/emulators/spinnaker/gateSimulator.js';
import { APPLICATION } from './gateEmulator.js';
import type { SandboxOrca } from './orca.js';
import { whenReady } from './whenReady.js';

interface PreconfiguredWebhook {
  type: string;
  label: string;
  description: string;
  enabled?: boolean;
}

/**
 * What Orca's `/webhooks/preconfigured` (and so Gate's) lists for the webhooks of config/orca-local.yml: type, label,
 * description, and no user-configurable fields (orca WebhookController, preconfiguredWebhooks).
 */
export function preconfiguredWebhooks(root: string): object[] {
  const config = parse(readFileSync(join(root, 'config/orca-local.yml'), 'utf8')) as {
    webhook: { preconfigured: PreconfiguredWebhook[] };
  };
  return config.webhook.preconfigured
    .filter((webhook) => webhook.enabled !== false)
    .map(({ type, label, description }) => ({
      type,
      label,
      description,
      waitForCompletion: true,
      noUserConfigurableFields: true,
      preconfiguredProperties: [],
      parameters: null,
      parameterValues: null,
    }));
}

/** Gate answers Deck from another origin with its session cookie: CORS with credentials (gate's CorsConfig). */
const cors: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-max-age', '3600');
    res.status(204).end();
    return;
  }
  next();
};

export interface DeckGateDeps {
  root: string;
  sim: GateSimulator;
  /** The Orca stand-in; set once the backend it calls has started. */
  orca: () => SandboxOrca | undefined;
  /** Where Gate's proxy `github` forwards /proxies/github/** (config/gate-local.yml): the backend's /api. */
  backendUrl: () => string | undefined;
  /** `ready` resolves once bundleDir holds the bundle (`npm start` builds it while the sandbox starts). */
  plugin: { id: string; version: string; bundleDir: string; ready?: Promise<unknown> };
}

/** The part of Gate that Deck's own screens call, for the application `hello`, in front of the simulated Gate. */
export function deckGate(deps: DeckGateDeps): Router {
  const { sim, plugin } = deps;
  const router = Router();
  router.use(cors);
  const webhooks = preconfiguredWebhooks(deps.root);
  // Orca writes a trigger with artifacts and parameters on every execution; Deck's execution view reads them.
  const forDeck = <T extends { trigger?: Record<string, unknown> }>(execution: T) => ({
    authentication: { user: 'anonymous', allowedAccounts: [] },
    buildTime: (execution as { startTime?: number }).startTime,
    ...execution,
    trigger: {
      artifacts: [],
      resolvedExpectedArtifacts: [],
      parameters: {},
      ...(execution.trigger ?? { type: 'manual', user: 'anonymous' }),
    },
  });
  const executions = () =>
    [
      ...[...sim.executions.values()].filter((e) => e.application === APPLICATION),
      ...(deps.orca()?.executions.values() ?? []),
    ].map(forDeck);
  const findExecution = (id: string) => {
    const found = sim.executions.get(id) ?? deps.orca()?.executions.get(id);
    return found && forDeck(found);
  };
  const application = {
    name: APPLICATION,
    attributes: {
      name: APPLICATION,
      email: 'sandbox@example.com',
      cloudProviders: '',
      user: 'anonymous',
      createTs: '1704067200000',
      updateTs: '1704067200000',
      permissions: {},
    },
    clusters: {},
  };

  router.get('/auth/user', (_req, res) => res.json({ name: 'anonymous', roles: [], authenticated: false }));
  router.get('/capabilities/quietPeriod', (_req, res) => res.json({ enabled: false }));
  router.get('/credentials', (_req, res) => res.json([]));
  router.get('/notifications/metadata', (_req, res) => res.json([]));
  router.get('/jobs/preconfigured', (_req, res) => res.json([]));
  router.get('/webhooks/preconfigured', (_req, res) => res.json(webhooks));
  router.get(['/securityGroups', '/images/find', '/networks', '/subnets'], (_req, res) => res.json({}));
  router.get('/search', (_req, res) =>
    res.json([{ pageNumber: 1, pageSize: 500, query: '', results: [], totalMatches: 0 }]),
  );
  router.get('/plugins/deck/plugin-manifest.json', (_req, res) =>
    res.json([{ id: plugin.id, version: plugin.version }]),
  );
  router.use(
    `/plugins/deck/${plugin.id}/${plugin.version}`,
    whenReady(plugin.ready ?? Promise.resolve(), 'The plugin bundle'),
    express.static(plugin.bundleDir),
  );

  router.get('/applications', (_req, res) => res.json([{ ...application.attributes }]));
  router.get(`/applications/${APPLICATION}`, (_req, res) => res.json(application));
  router.get(`/applications/${APPLICATION}/pipelineConfigs`, (_req, res) =>
    res.json(sim.pipelines.filter((p) => p.application === APPLICATION)),
  );
  router.get(`/applications/${APPLICATION}/pipelineConfigs/:name`, (req, res) => {
    const found = sim.pipelines.find((p) => p.application === APPLICATION && p.name === req.params.name);
    if (found) res.json(found);
    else res.status(404).json({ status: 404, error: 'Not Found', message: `No pipeline ${req.params.name}` });
  });
  router.get(`/applications/${APPLICATION}/strategyConfigs`, (_req, res) => res.json([]));
  router.get(`/applications/${APPLICATION}/pipelines`, (req, res) => {
    const statuses = String(req.query.statuses ?? '')
      .split(',')
      .filter(Boolean);
    const limit = Number(req.query.limit ?? 25);
    const matching = executions().filter((e) => !statuses.length || statuses.includes(e.status));
    res.json(matching.sort((a, b) => b.startTime - a.startTime).slice(0, limit));
  });
  router.get(`/applications/${APPLICATION}/tasks`, (_req, res) => res.json([]));
  for (const resource of ['serverGroups', 'serverGroupManagers', 'loadBalancers', 'clusters', 'firewalls']) {
    router.get(`/applications/${APPLICATION}/${resource}`, (_req, res) => res.json(resource === 'clusters' ? {} : []));
  }

  // Saving a pipeline (PipelineConfigService.savePipeline): front50 keeps it whole, replacing the one with its id.
  router.post('/pipelines', express.json({ limit: '5mb' }), (req, res) => {
    const pipeline = req.body as (typeof sim.pipelines)[number];
    if (!pipeline.id) pipeline.id = crypto.randomUUID();
    sim.pipelines = [...sim.pipelines.filter((p) => p.id !== pipeline.id), pipeline];
    res.json({});
  });
  // A manual start (PipelineConfigService.triggerPipeline): Gate adds `eventId` and `executionId` to the body and
  // posts it to Echo as a `manual` event (PipelineService.triggerViaEcho); Echo reads it into its Trigger model,
  // losing every field the model lacks, and starts the pipeline in Orca under that execution id. Gate answers
  // before Echo has done so, and Echo only logs a trigger it cannot read.
  router.post('/pipelines/v2/:application/:name', express.json({ limit: '5mb' }), (req, res) => {
    const pipeline = sim.pipelines.find((p) => p.application === req.params.application && p.name === req.params.name);
    const orca = deps.orca();
    if (!pipeline || !orca) {
      res.status(404).json({ status: 404, error: 'Not Found', message: `No pipeline ${req.params.name}` });
      return;
    }
    const eventId = crypto.randomUUID();
    const executionId = `01SANDBOX${crypto.randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}`;
    const body = { ...(req.body as Record<string, unknown>), eventId, executionId };
    try {
      orca.runPipeline(pipeline as never, echoManualTrigger(body), executionId);
    } catch (error) {
      if (!(error instanceof EchoConversionError)) throw error;
      console.warn(`Echo (simulated) failed processing manual event ${eventId}: ${error.message}`);
    }
    res.status(202).json({ eventId, ref: `/pipelines/${executionId}` });
  });
  router.get('/pipelines/:id', (req, res, next) => {
    const found = findExecution(req.params.id);
    if (found) res.json(found);
    else next();
  });
  router.put('/pipelines/:id/stages/:stageId/restart', (req, res) => {
    const restarted = deps.orca()?.restartStage(req.params.id, req.params.stageId);
    if (restarted) res.json(restarted);
    else res.status(404).json({ status: 404, error: 'Not Found', message: `No stage ${req.params.stageId}` });
  });

  router.use('/proxies/github', async (req, res) => {
    const backend = deps.backendUrl();
    if (!backend) {
      res.status(503).json({ status: 503, error: 'Service Unavailable', message: 'The backend is starting' });
      return;
    }
    const response = await fetch(`${backend}/api${req.url}`, {
      method: req.method,
      headers: { accept: req.headers.accept ?? 'application/json' },
    });
    res.status(response.status);
    const type = response.headers.get('content-type');
    if (type) res.setHeader('content-type', type);
    res.send(Buffer.from(await response.arrayBuffer()));
  });
  return router;
}
