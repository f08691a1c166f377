import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type AxeCore from 'axe-core';
import type { Browser, Locator, Page } from 'playwright-core';

import { hasChromium, launchChromium, root, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const IMAGES = join(root, 'docs/images');

/** docs/images are refreshed by `npm run docs:screenshots` only, not by every test run. */
async function shoot(target: Locator, name: string): Promise<void> {
  if (process.env.DOCS_SCREENSHOTS) await target.screenshot({ path: join(IMAGES, name) });
}

/** A Deck form field (label, input, messages) by its label. */
const formItem = (scope: Locator, label: string) =>
  scope.locator('.sp-formItem').filter({ has: scope.page().locator('.sp-formLabel', { hasText: label }) });

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations inside `selector`, as "rule: target" lines. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (include) => {
    const axe = (window as unknown as { axe: typeof AxeCore }).axe;
    const result = await axe.run({ include: [include] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => String(n.target)),
    }));
  }, selector);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 3).join(' | ')}`);
}

/** Picks an option of a select inside `field` with one click to open it and one on the option, as a user does. */
async function choose(field: Locator, option: string): Promise<void> {
  await field.locator('.Select-control').click();
  await field
    .page()
    .locator('.Select-option')
    .filter({ hasText: exactly(option) })
    .click();
}

/** The label of the form field holding the focused element, or the focused element's tag when it is in none. */
const focusedField = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    const label = active?.closest('.sp-formItem')?.querySelector('.sp-formLabel')?.textContent;
    return label?.replace(/\*/g, '').trim() ?? active?.tagName ?? '';
  });

describe('the sandbox in Chromium', () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    if (process.env.DOCS_SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
    // Shorter than Orca's 10 s between retries and the backend's 30 s look for a run, so that a repository_dispatch
    // run that GitHub starts 4 s after the event shows a 503 and Orca's retries within seconds.
    sandbox = await startSandboxProcess({
      SANDBOX_LINE_MS: '1000',
      SANDBOX_ORCA_RETRY_MS: '1000',
      SANDBOX_RUN_LOOKUP_MS: '1000',
      SANDBOX_DISPATCH_DELAY_MS: '4000',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/sandbox/`);
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('configures a GitHub Workflow stage with a choice input and shows the stage as saved', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const stage = page.locator('#stage');
    await choose(formItem(stage, 'Repository'), 'octo-org/hello-world');
    await choose(formItem(stage, 'Workflow'), 'Deploy (deploy.yml)');
    await choose(formItem(stage, 'Ref'), 'main');
    const version = formItem(stage, 'version').locator('input');
    await version.click();
    await version.fill('1.4.2');
    // The region list opens on the first click after another field lost focus (it used to be rebuilt then).
    await formItem(stage, 'region').locator('.Select-control').click();
    await page.locator('.Select-option', { hasText: exactly('ap-southeast-2') }).click();

    // Keyboard only: Tab out of version reaches the region list (not <body>), typing filters it, Enter picks.
    await version.click();
    await page.keyboard.press('Tab');
    const passed: string[] = [];
    while ((await focusedField(page)) !== 'region') {
      passed.push(await focusedField(page));
      expect(passed).not.toContain('BODY');
      expect(passed.length, `focus went through ${passed.join(', ')}`).toBeLessThan(3);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('eu-w');
    await page.keyboard.press('Enter');

    const saved = stage.getByTestId('stage-json');
    await expect
      .poll(async () => JSON.parse((await saved.textContent()) ?? '{}'))
      .toMatchObject({
        type: 'githubWorkflow',
        alias: 'preconfiguredWebhook',
        repository: 'octo-org/hello-world',
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { region: 'eu-west-1', version: '1.4.2' },
      });
    await shoot(stage, 'stage-editor.png');
  });

  it('runs the stage and shows its status go from running to succeeded', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    await page.getByRole('button', { name: 'Run this stage' }).click();
    const execution = page.locator('#execution');
    const status = execution.getByTestId('stage-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('RUNNING');
    await execution.getByText('Sandbox pipeline').waitFor();
    await execution
      .getByText(/in progress/)
      .first()
      .waitFor({ timeout: 20_000 });
    await shoot(execution, 'execution-running.png');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe('SUCCEEDED');
    // The run and both its jobs read as GitHub ended them. (The poll's "2 of 2 jobs done" shows only until the
    // backend's reading of the run says completed, so it is no end state to wait for.)
    const jobStatuses = execution.locator('table.github-workflow-jobs tbody tr td:nth-child(2)');
    await expect
      .poll(() => jobStatuses.allTextContents(), { timeout: 20_000 })
      .toEqual(['completed, success', 'completed, success']);
    await execution.locator('.github-workflow-run').getByText('completed, success').waitFor();
  });

  it('opens the logs, folds a group and searches them', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const execution = page.locator('#execution');
    await execution.getByRole('link', { name: 'Logs' }).click();
    await execution
      .getByRole('button', { name: /deploy/ })
      .first()
      .click();
    const group = execution.locator('[data-line]', { hasText: 'Rendering manifests' });
    await group.waitFor();
    const caret = group.locator('.ghlv-caret');
    const member = execution.locator('[data-line]', { hasText: 'deployment.apps/hello-world configured' });
    if ((await caret.getAttribute('aria-expanded')) === 'false') await caret.click();
    await member.waitFor();
    await caret.click();
    await expect.poll(() => caret.getAttribute('aria-expanded')).toBe('false');
    await member.waitFor({ state: 'detached' });

    const search = execution.getByRole('searchbox', { name: 'Search log' });
    await search.fill('rollout');
    await search.press('Enter');
    await execution.getByText(/^\d+ of \d+$/).waitFor();
    expect(await execution.locator('mark.ghlv-current').textContent()).toMatch(/rollout/i);
    // Timestamps in the viewer's time zone, the full value on hover.
    await execution.getByRole('button', { name: 'Timestamps' }).click();
    const stamp = execution.locator('time.ghlv-ts').first();
    expect(await stamp.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    expect(await stamp.textContent()).not.toContain('T');
    await shoot(execution, 'logs.png');
  });

  it('moves through the log with the keyboard after a click on a line number, and is one Tab stop', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const execution = page.locator('#execution');
    const log = execution.getByRole('region', { name: /^Log of / });
    const selected = () => log.locator('.ghlv-selected').getAttribute('data-line');

    // Line numbers as shown (folded groups hide some), then a click on the third and ↓ to the next one shown.
    const shown = await log
      .locator('[data-line]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-line')));
    await log.locator(`[data-line="${shown[2]}"] .ghlv-ln`).click();
    expect(await selected()).toBe(shown[2]);
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe(shown[3]);
    await page.keyboard.press('Escape');
    await expect.poll(() => log.locator('.ghlv-selected').count()).toBe(0);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search log');

    // From the toolbar's last button, one Tab enters the log and the next one leaves it.
    await execution.getByRole('button', { name: 'Download' }).focus();
    await page.keyboard.press('Tab');
    expect(await log.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await log.evaluate((element) => element.contains(document.activeElement))).toBe(false);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    expect(await log.locator('.ghlv-selected').count()).toBe(1);
  });

  it('sends a repository_dispatch event; Orca retries the 503 until GitHub has started the run', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const stage = page.locator('#stage');
    await stage.getByText('Send an event (repository_dispatch)').click();
    await formItem(stage, 'Event type').locator('input').fill('release');
    await formItem(stage, 'Client payload').locator('textarea').fill('{ "version": "2.0.0" }');
    await page.getByRole('button', { name: 'Run this stage' }).click();

    const execution = page.locator('#execution');
    await execution
      .getByText('Still waiting for the workflow run; Orca asks the backend again')
      .waitFor({ timeout: 20_000 });
    expect(await execution.getByTestId('stage-status').textContent()).toBe('RUNNING');
    await execution
      .getByText(/^Release #\d+ in octo-org\/hello-world/)
      .first()
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => execution.getByTestId('stage-status').textContent(), { timeout: 60_000 }).toBe('SUCCEEDED');
    expect(await execution.getByRole('alert').count()).toBe(0);
  });

  it('has no serious or critical accessibility violations in the stage editor, execution details and log', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const execution = page.locator('#execution');
    expect(await seriousViolations(page, '#stage .sandbox-stage-editor')).toEqual([]);
    await execution.getByRole('link', { name: 'Workflow Run' }).click();
    await execution.locator('.github-workflow-run').waitFor();
    expect(await seriousViolations(page, '#execution .stage-details')).toEqual([]);
    await execution.getByRole('link', { name: 'Logs' }).click();
    await execution.getByRole('region', { name: /^Log of / }).waitFor();
    expect(await seriousViolations(page, '#execution .stage-details')).toEqual([]);
  });

  it('starts a pipeline in Gate when a signed workflow_run webhook arrives', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const gate = page.locator('#gate');
    const started = gate.getByTestId('gate-executions').locator('tbody tr', { hasText: 'Deploy after CI' });
    // The Gate emulator holds one earlier execution of the pipeline.
    await expect.poll(() => started.count()).toBe(1);
    await gate.getByRole('button', { name: /Send a workflow_run webhook/ }).click();
    await gate.getByTestId('webhook-answer').filter({ hasText: 'answered 202' }).waitFor();
    await expect.poll(() => started.count(), { timeout: 20_000 }).toBe(2);
    expect(await started.first().textContent()).toContain('githubWorkflowRun');
    await shoot(gate, 'webhook-pipeline.png');
  });

  it('writes GitHub deployment statuses that follow the pipeline a deployment started', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const panel = page.locator('#deployments');
    await panel.getByRole('button', { name: /Create a GitHub deployment/ }).click();
    await panel.getByTestId('deployment-answer').filter({ hasText: 'answered 202' }).waitFor();
    const newest = panel.getByTestId('deployments').locator('tbody tr').first();
    await newest.getByText('in_progress').waitFor({ timeout: 30_000 });
    await newest.getByText('success').waitFor({ timeout: 30_000 });
    expect(await newest.textContent()).toContain('Spinnaker pipeline Deploy a GitHub deployment succeeded');
    await shoot(panel, 'deployment-statuses.png');
  });

  it('shows the pipeline a deployment started as a check run on its commit, in progress, then succeeded', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const rows = page
      .locator('#check-runs')
      .getByTestId('check-runs')
      .locator('tbody tr', { hasText: 'spinnaker/hello/Deploy a GitHub deployment' });
    const before = await rows.count();
    await page
      .locator('#deployments')
      .getByRole('button', { name: /Create a GitHub deployment/ })
      .click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(before + 1);
    // Newest first.
    const newest = rows.first();
    await newest.getByText('success').waitFor({ timeout: 30_000 });
    expect(await newest.textContent()).toContain('Pipeline succeeded');
    expect(await newest.getByRole('link').getAttribute('href')).toMatch(
      /#\/applications\/hello\/executions\/details\/\w+$/,
    );
  });

  it("shows both trigger editors in Deck's Triggers page", async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const triggers = page.locator('#triggers');
    for (const label of ['GitHub workflow finished', 'GitHub deployment created']) {
      await triggers.locator('.Select-value-label', { hasText: label }).waitFor();
    }
    await triggers.getByText('The most recent run would start this pipeline.').waitFor();
    // Deck's section headers stick to the top of the window while it scrolls: make the window as tall as the page.
    const height = await page.evaluate(() => document.body.scrollHeight);
    await page.setViewportSize({ width: 1280, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(triggers, 'triggers.png');
  });
});
