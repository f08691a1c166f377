import { startSandbox } from './sandbox.js';

const port = Number(process.env.PORT ?? 8086);
const numberFrom = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
// sandbox/start.mjs builds the plugin while the sandbox starts, and says over IPC when build/dist holds it.
const pluginBundle =
  process.env.SANDBOX_PLUGIN_PENDING && process.send
    ? new Promise<void>((resolve, reject) => {
        process.on('message', (message: { pluginBundle?: string }) => {
          if (message.pluginBundle === 'ready') resolve();
        });
        process.once('disconnect', () => reject(new Error('npm start stopped before the plugin was built')));
      })
    : undefined;
let pluginBuilt = !pluginBundle;
void pluginBundle?.then(() => (pluginBuilt = true)).catch(() => undefined);
// Timings the e2e tests shorten (test/e2e/sandbox.test.ts); unset, they are GitHub's, Orca's and the backend's own.
const sandbox = await startSandbox({
  port,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  lineMs: numberFrom('SANDBOX_LINE_MS'),
  orcaRetryMs: numberFrom('SANDBOX_ORCA_RETRY_MS'),
  runLookupMs: numberFrom('SANDBOX_RUN_LOOKUP_MS'),
  repositoryDispatchDelayMs: numberFrom('SANDBOX_DISPATCH_DELAY_MS'),
  largeLogLines: numberFrom('SANDBOX_LARGE_LOG_LINES'),
  pluginBundle,
}).catch((error: unknown) => {
  process.stderr.write(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const url = sandbox.url.replace('127.0.0.1', 'localhost');

process.stdout.write(`
GitHub for Spinnaker: sandbox (no GitHub App configured, nothing leaves this machine)

  Open ${url}/#/applications/hello/executions  (Deck, from @spinnaker/core 0.29.1; the plugin loads through Gate)
${pluginBuilt ? '' : '                 (the plugin is still building: Deck waits for it)\n'}
  backend        ${url}  (the real backend: /api, /stage, /webhooks, /health)
  GitHub         ${sandbox.githubUrl}  (emulator: octo-org/hello-world, workflows ci.yml, deploy.yml, smoke.yml, release.yml)
  Gate           ${sandbox.gateUrl}  (emulator: application hello, three pipelines with GitHub triggers)
  Tools          ${url}/sandbox/  (send GitHub webhooks, create deployments, run a stage outside Deck)

What to try in Deck:
  - Pipelines: "Sample pipeline" is running a GitHub workflow; open Execution Details, then the stage's Logs:
    the log grows line by line. Fold a group, search, press / in the log.
  - Configure "Deploy with GitHub": its GitHub Workflow stage reads repositories, workflows and inputs through
    Gate's proxy; Add stage lists one GitHub Workflow. Save Changes, then Start Manual Execution: the run goes
    queued, in progress, completed in about 20 seconds.
  - Pick smoke.yml instead: the sandbox's first smoke test fails, as a flaky check does. Open the stage's Logs
    (Full width gives a long line the whole window), then Actions > Restart GitHub Workflow: the next run passes.
  - Automated Triggers: "GitHub workflow finished" and "GitHub deployment created" are offered although Deck's
    stock settings list only Deck's own trigger types.
  - Tools page: send a signed workflow_run webhook and see "Deploy after CI" start in Deck's executions; create a
    GitHub deployment and watch the backend write in_progress, then success, back to GitHub.
  - Start Manual Execution of "Deploy after CI" (or "Deploy a GitHub deployment"): pick a past CI run (or
    deployment); the pipeline starts with the trigger fields its webhook would have given it.
  - Plugin authors: npm run dev:deck -- http://localhost:${port}/ loads your local build into this Deck
    (docs/development.md).

Set GITHUB_APP_ID (and the variables in docs/configuration.md) to run the backend for real instead.
Stop with Ctrl+C.
`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
