import type { Browser, Page } from 'playwright-core';

import { hasChromium, launchChromium } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const SKIP_REASON = '/usr/bin/chromium is missing: install it with `apt-get install -y chromium` (.ci/run does)';
const PIPELINE = 'Deploy after CI';

type Trigger = Record<string, unknown>;

/** The trigger the backend sent Gate when GitHub delivered the `workflow_run` event of the sandbox's CI run. */
async function triggerFromWebhook(url: string): Promise<Trigger> {
  const delivery = await fetch(`${url}/sandbox/webhooks/workflow-run`, { method: 'POST' });
  expect(delivery.status).toBe(200);
  // The backend answers GitHub first and starts the pipeline from its queue.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const executions = (await (await fetch(`${url}/sandbox/gate/executions`)).json()) as Array<{ trigger: Trigger }>;
    const started = executions.find((execution) => typeof execution.trigger.eventId === 'string');
    if (started) return started.trigger;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('The webhook delivery started no pipeline');
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
    const webhook = await triggerFromWebhook(sandbox.url);

    await page.goto(`${sandbox.url}/#/applications/hello/executions`);
    const group = page.locator('.execution-group', { has: page.getByText(PIPELINE, { exact: true }) });
    await group.getByText('Start Manual Execution').click({ timeout: 60_000 });
    const dialog = page.locator('.manual-execution-dialog');
    await dialog.getByText('GitHub workflow ci.yml in octo-org/hello-world on main').waitFor();
    const run = dialog.getByRole('combobox', { name: 'Workflow run' });
    await run.selectOption(String(webhook.workflowRunId));

    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/pipelines/v2/hello/')),
      dialog.getByRole('button', { name: 'Run' }).click(),
    ]);

    // What Gate's /pipelines/v2 received: the webhook's trigger, but for what Deck sets on every manual start (type,
    // dryRun, and user: Deck's name for a visitor when Gate has no login) and what only a delivery has (its id, the
    // correlation id built from it, the event itself).
    const manual = request.postDataJSON() as Trigger;
    expect(decodeURIComponent(request.url())).toMatch(new RegExp(`/pipelines/v2/hello/${PIPELINE}$`));
    const { type, eventId, correlationId, payload, user: _webhookUser, notifications: _none, ...facts } = webhook;
    expect({ type, eventId, correlationId, payload }).toEqual({
      type: 'githubWorkflowRun',
      eventId: expect.any(String),
      correlationId: expect.any(String),
      payload: expect.objectContaining({ action: 'completed' }),
    });
    expect(manual).toEqual({ ...facts, type: 'manual', dryRun: false, user: '[anonymous]' });
    expect(manual).toMatchObject({ workflowRunId: 3001, branch: 'main', conclusion: 'success' });
  });
});
