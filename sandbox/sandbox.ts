import express from 'express';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { syntheticLog } from '../bench/syntheticLog.js';
import { startBackend } from './backend.js';
import { buildDeck } from './buildDeck.js';
import { buildPage } from './buildPage.js';
import { finishPipelines } from './deployments.js';
import { APPLICATION, startGateEmulator } from './gateEmulator.js';
import { startGithubEmulator, type GithubEmulator } from './githubEmulator.js';
import { close, listen } from './http.js';
import { DEPLOY_OUTPUT, LiveRuns } from './liveRuns.js';
import { ORCA_RETRY, SandboxOrca } from './orca.js';
import { sandboxRouter } from './routes.js';
import { whenReady } from './whenReady.js';
import { deliver, workflowRunPayload } from './webhooks.js';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const BUNDLE = join(ROOT, 'build/dist');

export interface Sandbox {
  url: string;
  githubUrl: string;
  gateUrl: string;
  close(): Promise<void>;
}

export interface SandboxOptions {
  port?: number;
  logLevel?: string;
  /** Pause between two lines of a live log. */
  lineMs?: number;
  /** Orca's 10 s between retries of the create call (ORCA_RETRY); the e2e tests shorten it. */
  orcaRetryMs?: number;
  /** How long one dispatch call looks for its run before the backend answers 503 (30 s). */
  runLookupMs?: number;
  /** How long the emulated GitHub takes to start the runs of a repository_dispatch event (3 s). */
  repositoryDispatchDelayMs?: number;
  /** Lines of the log of a completed, failed run with one job, shown at `/sandbox/?execution=<largeLogExecutionId>`. */
  largeLogLines?: number;
  /**
   * Resolves once build/dist holds the plugin: `npm start` builds it while the sandbox starts, and Gate's plugin
   * endpoint waits for it. Unset, build/dist must hold it already.
   */
  pluginBundle?: Promise<void>;
}

/** What the seeded in-progress run prints while the sandbox runs: about four minutes of a rollout. */
const SAMPLE_OUTPUT = [
  ...DEPLOY_OUTPUT.slice(0, 11),
  ...Array.from({ length: 60 }, (_, i) => `Waiting for rollout: health check ${i + 1} of 60 passed`),
  ...DEPLOY_OUTPUT.slice(11),
];

/**
 * GitHub and Gate emulators, the real backend wired to them, a mini Orca, and the page at `/` that loads the built
 * plugin as Deck does. Everything listens on 127.0.0.1.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (!options.pluginBundle && !existsSync(join(BUNDLE, 'index.js')))
    throw new Error('build/dist/index.js is missing: run npm run build');
  const pluginBundle = options.pluginBundle ?? Promise.resolve();
  const dataDir = mkdtempSync(join(tmpdir(), 'spinnaker-github-sandbox-'));
  const pageDir = join(dataDir, 'page');
  const deckDir = join(dataDir, 'deck');
  const { id, version } = JSON.parse(readFileSync(join(ROOT, 'plugin.json'), 'utf8')) as {
    id: string;
    version: string;
  };
  // The Orca stand-in needs the backend's stage secret; Gate's manual starts find it here once it exists.
  let orca: SandboxOrca | undefined = undefined;
  const server = createServer();
  const url = await listen(server, options.port ?? 8086);
  const [github, gate] = await Promise.all([
    startGithubEmulator({ repositoryDispatchDelayMs: options.repositoryDispatchDelayMs }),
    startGateEmulator({
      root: ROOT,
      orca: () => orca,
      backendUrl: () => url,
      plugin: { id, version, bundleDir: BUNDLE, ready: pluginBundle },
    }),
  ]);
  // Deck reads executions every pollSchedule (30 s in its settings); the sandbox's runs last seconds.
  await buildDeck(ROOT, deckDir, { gateUrl: gate.url, checkForUpdates: false, pollSchedule: 3_000 });
  // The tools page is built in the background, once Deck and the plugin are, so that it never slows Deck's start;
  // its routes wait for it.
  let closed = false;
  const page = pluginBundle
    .catch(() => undefined)
    .then(() => buildPage(ROOT))
    .then((cached) => void (closed || cpSync(cached, pageDir, { recursive: true })));
  page.catch((error: unknown) =>
    process.stderr.write(`The sandbox tools page did not build: ${error instanceof Error ? error.message : error}\n`),
  );
  const backend = await startBackend({
    github: { appId: github.sim.app.id, privateKey: github.sim.app.privateKey, apiUrl: github.url },
    gateUrl: gate.url,
    spinnakerUiUrl: url,
    accessPolicy: { applications: { [APPLICATION]: { repositories: ['octo-org/*', 'octocat/*'] } } },
    dataDir,
    logLevel: options.logLevel ?? 'warn',
    runLookupMs: options.runLookupMs,
  });
  orca = new SandboxOrca({
    backendUrl: url,
    stageSecret: backend.stageSecret,
    application: APPLICATION,
    retry: options.orcaRetryMs ? { ...ORCA_RETRY, backoffMs: options.orcaRetryMs } : undefined,
  });
  const stopPipelines = finishPipelines(gate.sim, url, 8_000);
  const live = new LiveRuns(github.sim, {
    lineMs: options.lineMs,
    // GitHub tells the App when a run completes; the backend starts the pipelines whose trigger matches.
    onCompleted: (runId) =>
      void deliver(url, backend.webhookSecret, 'workflow_run', workflowRunPayload(github.sim, runId)).catch(
        () => undefined,
      ),
  });
  // A run started now (the seeded one started in 2024), already on its deploy step, whose log keeps growing.
  const sampleRun = github.sim.addRun({
    owner: 'octo-org',
    repo: 'hello-world',
    workflow: 'deploy.yml',
    branch: 'release/1.x',
    status: 'in_progress',
    displayTitle: 'Deploy v1.4.2',
    actor: github.sim.bot,
  });
  const sampleRunId = Number(sampleRun.id);
  live.start();
  void live.stream(sampleRunId, SAMPLE_OUTPUT, 4_000);
  const sample = orca.monitor(
    {
      name: 'Deploy with GitHub',
      repository: 'octo-org/hello-world',
      dispatchType: 'workflow_dispatch',
      workflow: 'deploy.yml',
      ref: 'release/1.x',
      inputs: { tag: 'v1.4.2', notify: true },
      waitForCompletion: true,
    },
    {
      owner: 'octo-org',
      repo: 'hello-world',
      runId: sampleRunId,
      statusUrl: `${url}/stage/runs/octo-org/hello-world/${sampleRunId}`,
    },
    'Sample pipeline',
  );

  const largeLog = options.largeLogLines ? monitorLargeLog(github.sim, orca, url, options.largeLogLines) : undefined;

  const app = express();
  app.disable('x-powered-by');
  // Deck at /, as Deck's own nginx serves it, with its plugin manifest empty as Deck ships it.
  app.get('/', (_req, res) => res.sendFile(join(deckDir, 'index.html')));
  app.get('/plugin-manifest.json', (_req, res) => res.json([]));
  app.use('/deck', express.static(deckDir));
  const pageReady = whenReady(page, 'The sandbox tools page');
  app.get('/sandbox/', pageReady, (_req, res) => res.sendFile(join(pageDir, 'index.html')));
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  app.use('/sandbox/assets', pageReady, express.static(pageDir));
  app.use('/plugin', whenReady(pluginBundle, 'The plugin bundle'), express.static(BUNDLE));
  app.use(
    '/sandbox',
    sandboxRouter({
      github: github.sim,
      gate: gate.sim,
      orca,
      sampleExecutionId: sample.id,
      largeLogExecutionId: largeLog?.id,
      deliver: (event, payload) => deliver(url, backend.webhookSecret, event, payload),
    }),
  );
  // Gate's proxy `github` forwards /proxies/github/** to the backend's read API, /api/** (config/gate-local.yml).
  app.use((req, _res, next) => {
    if (req.url.startsWith('/proxies/github/')) req.url = `/api${req.url.slice('/proxies/github'.length)}`;
    next();
  });
  app.use(backend.app);
  server.on('request', app);

  return {
    url,
    githubUrl: github.url,
    gateUrl: gate.url,
    close: async () => {
      closed = true;
      live.stop();
      stopPipelines();
      await close(server);
      await backend.stop();
      await Promise.all([github.close(), gate.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A completed run whose one job failed after writing `lines` lines (bench/syntheticLog.ts), and its execution. */
function monitorLargeLog(github: GithubEmulator['sim'], orca: SandboxOrca, url: string, lines: number) {
  const run = github.addRun({
    owner: 'octo-org',
    repo: 'hello-world',
    workflow: 'ci.yml',
    status: 'completed',
    conclusion: 'failure',
    displayTitle: `${lines} lines of log`,
    jobs: [{ name: 'build', log: syntheticLog(lines) }],
  });
  const stage = { name: 'Large log', repository: 'octo-org/hello-world', workflow: 'ci.yml', ref: 'main' };
  const body = {
    owner: 'octo-org',
    repo: 'hello-world',
    runId: Number(run.id),
    statusUrl: `${url}/stage/runs/octo-org/hello-world/${run.id}`,
  };
  return orca.monitor({ ...stage, dispatchType: 'workflow_dispatch', waitForCompletion: true }, body, 'Large log');
}
