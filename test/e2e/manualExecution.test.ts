import type { Browser, Page, Request } from 'playwright-core';

import { ECHO_TRIGGER_FIELDS, withoutNullEntries } from '../../backend/emulators/spinnaker/echoTrigger';
import { LOADING_EVENT } from '../../src/triggers/manualExecution/manualLabels';
import { hasChromium, launchChromium, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const PIPELINE = 'Deploy after CI';

type Trigger = Record<string, unknown>;
type Payload = Record<string, unknown>;
const ECHO_FIELDS = new Set<string>(Object.values(ECHO_TRIGGER_FIELDS).flat());

/** The trigger the backend sent Gate when the sandbox's GitHub delivered this event (`workflow-run`, `deployment`). */
async function triggerFromWebhook(url: string, event: string, type: string): Promise<Trigger> {
  const delivery = await fetch(`${url}/sandbox/webhooks/${event}`, { method: 'POST' });
  expect(delivery.status).toBe(200);
  // The backend answers GitHub first and starts the pipeline from its queue.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const executions = (await (await fetch(`${url}/sandbox/gate/executions`)).json()) as Array<{ trigger: Trigger }>;
    const started = executions.find((e) => e.trigger.type === type && typeof e.trigger.eventId === 'string');
    if (started) return started.trigger;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('The webhook delivery started no pipeline');
}

/** The webhook trigger's fields that Echo's model keeps, without null entries, as Orca holds them. */
const keptByEcho = (facts: Trigger) =>
  Object.fromEntries(Object.entries(facts).filter(([key, value]) => value !== null && ECHO_FIELDS.has(key)));

/** What Orca gets from Echo for a manual start with these facts: what Echo keeps, its defaults and Gate's ids. */
const startedThroughEcho = (facts: Trigger, executionId: string) => ({
  ...keptByEcho(facts),
  type: 'manual',
  dryRun: false,
  rebake: false,
  preferred: false,
  user: '[anonymous]',
  eventId: expect.any(String),
  executionId,
});

/** The execution the Orca stand-in started for Deck's POST: its trigger without the payload and Orca's own defaults. */
async function startedExecution(request: Request) {
  const { ref } = (await (await request.response())!.json()) as { ref: string };
  const gate = request.url().replace(/\/pipelines\/v2\/.*$/, '');
  const execution = (await (await fetch(`${gate}${ref}`)).json()) as { id: string; trigger: Trigger };
  // Orca's own defaults, which Deck's execution view reads.
  const { payload, artifacts: _a, resolvedExpectedArtifacts: _r, parameters: _p, ...trigger } = execution.trigger;
  return { ref, id: execution.id, payload, trigger };
}

describe("manual execution from a GitHub event in the sandbox's real Deck", () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    sandbox = await startSandboxProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('starts a pipeline for a past workflow run with the trigger its webhook delivery gave', async (context) => {
    if (!browser || !sandbox) return context.skip(SKIP_REASON);
    const webhook = await triggerFromWebhook(sandbox.url, 'workflow-run', 'githubWorkflowRun');

    await page.goto(`${sandbox.url}/#/applications/hello/executions`);
    const group = page.locator('.execution-group', { has: page.getByText(PIPELINE, { exact: true }) });
    await group.getByText('Start Manual Execution').click({ timeout: 60_000 });
    const dialog = page.locator('.manual-execution-dialog');
    await dialog.getByText('GitHub workflow ci.yml in octo-org/hello-world on main').waitFor();
    const run = dialog.getByRole('combobox', { name: 'Workflow run' });
    await run.selectOption(String(webhook.workflowRunId));

    await dialog.getByText(LOADING_EVENT).waitFor({ state: 'detached' });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/pipelines/v2/hello/')),
      dialog.getByRole('button', { name: 'Run' }).click(),
    ]);
    const started = await startedExecution(request);

    // What Gate's /pipelines/v2 received: the webhook's trigger, but for what Deck sets on every manual start (type,
    // dryRun, and user: Deck's name for a visitor when Gate has no login) and what only a delivery has (its id, the
    // correlation id built from it); the event as payload is rebuilt from GitHub's API.
    const manual = request.postDataJSON() as Trigger;
    expect(decodeURIComponent(request.url())).toMatch(new RegExp(`/pipelines/v2/hello/${PIPELINE}$`));
    const { type, eventId, correlationId, payload, user: _webhookUser, notifications: _none, ...facts } = webhook;
    expect({ type, eventId, correlationId }).toEqual({
      type: 'githubWorkflowRun',
      eventId: expect.any(String),
      correlationId: expect.any(String),
    });
    const { payload: manualPayload, ...manualFacts } = manual;
    expect(manualFacts).toEqual({ ...facts, type: 'manual', dryRun: false, user: '[anonymous]' });
    expect(manual).toMatchObject({ workflowRunId: 3001, branch: 'main', conclusion: 'success' });

    // What the Orca stand-in started, after Gate and Echo: only the fields Echo's Trigger model keeps, and the
    // payload, whose workflow_run, workflow and repository are the webhook's (sender and installation are not).
    const { ref, id, payload: orcaPayload, trigger: orca } = started;
    expect(`/pipelines/${id}`).toBe(ref);
    expect(orca).toEqual(startedThroughEcho(facts, id));
    expect(orca).toMatchObject({ repository: 'octo-org/hello-world', branch: 'main', linkText: 'ci.yml #1' });
    expect(orca).not.toHaveProperty('sha');
    expect(orca).not.toHaveProperty('workflowRunId');
    // Without null entries, as Echo writes the trigger and as Orca stores every execution (withoutNullEntries).
    expect(orcaPayload).toEqual(withoutNullEntries(manualPayload));
    const delivered = payload as Payload;
    expect(orcaPayload).toEqual(
      withoutNullEntries({
        action: 'completed',
        workflow_run: delivered.workflow_run,
        workflow: delivered.workflow,
        repository: delivered.repository,
      }),
    );
    expect(orcaPayload).toMatchObject({ workflow_run: { head_sha: webhook.sha, id: 3001, conclusion: 'success' } });
  });

  it('starts a pipeline for a past deployment with what its webhook delivery gave, as far as Echo keeps it', async (context) => {
    if (!browser || !sandbox) return context.skip(SKIP_REASON);
    const webhook = await triggerFromWebhook(sandbox.url, 'deployment', 'githubDeployment');

    await page.goto(`${sandbox.url}/#/applications/hello/executions`);
    const name = 'Deploy a GitHub deployment';
    const group = page.locator('.execution-group', { has: page.getByText(name, { exact: true }) });
    await group.getByText('Start Manual Execution').click({ timeout: 60_000 });
    const dialog = page.locator('.manual-execution-dialog');
    await dialog.getByText('GitHub deployment in octo-org/hello-world to production').waitFor();
    await dialog.getByRole('combobox', { name: 'Deployment' }).selectOption(String(webhook.deploymentId));
    await dialog.getByText(LOADING_EVENT).waitFor({ state: 'detached' });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/pipelines/v2/hello/')),
      dialog.getByRole('button', { name: 'Run' }).click(),
    ]);
    const { id, payload: orcaPayload, trigger: orca } = await startedExecution(request);

    const {
      type: _type,
      eventId: _eventId,
      correlationId: _c,
      payload,
      user: _u,
      notifications: _n,
      ...facts
    } = webhook;
    expect(orca).toEqual(startedThroughEcho(facts, id));
    expect(orca).not.toHaveProperty('environment');
    expect(orca).not.toHaveProperty('deploymentId');
    const delivered = payload as Payload;
    expect(orcaPayload).toEqual(
      withoutNullEntries({ action: 'created', deployment: delivered.deployment, repository: delivered.repository }),
    );
    expect(orcaPayload).toMatchObject({
      deployment: { id: webhook.deploymentId, sha: webhook.sha, environment: 'production', ref: 'main' },
    });
  });
});
