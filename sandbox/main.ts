import { startSandbox } from './sandbox.js';

const port = Number(process.env.PORT ?? 8086);
const numberFrom = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
// Timings the e2e tests shorten (test/e2e/sandbox.test.ts); unset, they are GitHub's, Orca's and the backend's own.
const sandbox = await startSandbox({
  port,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  lineMs: numberFrom('SANDBOX_LINE_MS'),
  orcaRetryMs: numberFrom('SANDBOX_ORCA_RETRY_MS'),
  runLookupMs: numberFrom('SANDBOX_RUN_LOOKUP_MS'),
  repositoryDispatchDelayMs: numberFrom('SANDBOX_DISPATCH_DELAY_MS'),
}).catch((error: unknown) => {
  process.stderr.write(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const url = sandbox.url.replace('127.0.0.1', 'localhost');

process.stdout.write(`
GitHub for Spinnaker: sandbox (no GitHub App configured, nothing leaves this machine)

  Open ${url}/

  backend        ${url}  (the real backend: /api, /stage, /webhooks, /health)
  GitHub         ${sandbox.githubUrl}  (emulator: octo-org/hello-world, workflows ci.yml, deploy.yml, smoke.yml, release.yml)
  Gate           ${sandbox.gateUrl}  (emulator: application hello, two pipelines with GitHub triggers)

What to try:
  - GitHub Workflow stage: pick octo-org/hello-world, workflow deploy.yml, ref main; fill in the inputs
    (region is a choice) and watch the stage JSON change.
  - Run this stage: the run goes queued, in progress, completed in about 20 seconds; open its Logs.
  - Send an event: Dispatch "repository_dispatch", event type release, client payload {"version": "2.0.0"};
    release.yml runs. An event type no workflow lists starts nothing: the backend answers 503 and the stage
    retries every 10 s for 5 minutes, as Orca does, then fails saying what to check.
  - Execution details: the sample execution's log grows line by line. Fold a group, search, press / in the log.
  - Pipeline triggers: edit the "GitHub workflow finished" and "GitHub deployment created" triggers.
  - Webhooks and Gate: send a signed workflow_run webhook and see "Deploy after CI" start in Gate.
  - Deployment statuses: create a GitHub deployment; its pipeline starts, and the backend writes in_progress,
    then success, back to GitHub.

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
