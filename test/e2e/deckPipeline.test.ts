import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';

import { hasChromium, launchChromium, root, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const PIPELINE = '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0003';
const PIPELINE_NAME = 'Deploy with GitHub';
const LONG_ERROR = 'GET /health answered 503 Service Unavailable after 3 attempts';

const IMAGES = join(root, 'docs/images');

/** docs/images are refreshed by `npm run docs:screenshots` only, not by every test run. */
async function shoot(page: Page, name: string): Promise<void> {
  if (!process.env.DOCS_SCREENSHOTS) return;
  mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: join(IMAGES, name) });
}

/** A field of one of Deck's React forms (stage or trigger) by its label. */
const field = (scope: Locator, label: string) =>
  scope
    .locator('.sp-formItem, .StandardFieldLayout')
    .filter({ has: scope.page().locator('.sp-formLabel, .StandardFieldLayout_Label', { hasText: label }) });

/** Picks an option of a react-select inside `scope`, as a user does: one click to open it, one on the option. */
async function choose(scope: Locator, option: string): Promise<void> {
  await scope.locator('.Select-control').click();
  await scope.page().locator('.Select-option').filter({ hasText: option }).first().click();
}

/**
 * How far the text of a log line reaches past the right edge of its log's visible area, in pixels (negative: it
 * ends inside).
 */
const overflowOf = (log: Locator, text: string) =>
  log.locator('.ghlv-row', { hasText: text }).evaluate((row) => {
    const scroller = row.closest('.ghlv-scroller') as HTMLElement;
    const range = document.createRange();
    range.selectNodeContents(row.querySelector('.ghlv-text') as HTMLElement);
    return range.getBoundingClientRect().right - scroller.getBoundingClientRect().right;
  });

// One operator's path through real Deck, in order: each test starts where the previous one left the page.
describe("an operator's GitHub Workflow stage in the sandbox's real Deck", () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let gateUrl: string;
  let page: Page;
  const group = () =>
    page.locator('.execution-group', { has: page.locator('h4.execution-group-title', { hasText: PIPELINE_NAME }) });
  const execution = () => group().locator('.execution').first();
  // Deck's execution details sections are anchors without an href.
  const sectionTab = (name: string) => page.locator('li > a.clickable', { hasText: new RegExp(`^\\s*${name}\\s*$`) });
  const stageMarker = (status: string) =>
    execution().locator(`div.execution-marker.stage-type-githubworkflow.execution-marker-${status}`);

  beforeAll(async () => {
    if (!hasChromium) return;
    // Log lines every 300 ms: a run lasts about 6 s instead of 20.
    sandbox = await startSandboxProcess({ SANDBOX_LINE_MS: '300' });
    gateUrl = /Gate\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(sandbox.output())![1]!;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${sandbox.url}/#/applications/hello/executions/configure/${PIPELINE}`);
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('adds a GitHub Workflow stage from the stage picker, fills it in from GitHub through Gate and saves', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    // The pipeline's own stage goes, so that the one added here is the one that runs.
    await page.locator('.pipeline-graph .label-body', { hasText: PIPELINE_NAME }).click({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Remove stage' }).click();
    await page.getByText('Add stage').click();
    await page.locator('.ui-select-match').first().click();
    await page.keyboard.type('GitHub');
    await page.locator('.ui-select-choices-row', { hasText: 'GitHub Workflow' }).click();

    // Repositories, workflows, refs and the workflow's inputs come from the backend through Gate's proxy.
    const form = page.locator('body');
    await choose(field(form, 'Repository'), 'octo-org/hello-world');
    await choose(field(form, 'Workflow'), 'Smoke test (smoke.yml)');
    await choose(field(form, 'Ref'), 'main');
    const target = field(form, 'target').locator('input');
    await expect.poll(() => field(form, 'target').textContent()).toContain('Input target is required.');
    await target.fill('https://hello-world.example.com');
    await shoot(page, 'deck-stage-editor.png');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.getByText('In sync with server').waitFor();

    const saved = (await (await fetch(`${gateUrl}/applications/hello/pipelineConfigs`)).json()) as Array<{
      name: string;
      stages: unknown[];
    }>;
    expect(saved.find((pipeline) => pipeline.name === PIPELINE_NAME)?.stages).toEqual([
      expect.objectContaining({
        type: 'githubWorkflow',
        alias: 'preconfiguredWebhook',
        repository: 'octo-org/hello-world',
        dispatchType: 'workflow_dispatch',
        workflow: 'smoke.yml',
        ref: 'main',
        inputs: { target: 'https://hello-world.example.com' },
        waitForCompletion: true,
      }),
    ]);
  });

  it('starts the pipeline manually and shows the stage RUNNING, then TERMINAL when the run fails', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    await page.goto(`${sandbox!.url}/#/applications/hello/executions`);
    await group().getByText('Start Manual Execution').click();
    await page.getByRole('button', { name: 'Run' }).click();
    // The sandbox's first smoke test fails, as a flaky check does (sandbox/liveRuns.ts).
    await stageMarker('running').waitFor({ timeout: 30_000 });
    await stageMarker('terminal').waitFor({ timeout: 60_000 });
    await expect.poll(() => execution().textContent()).toContain('Status: TERMINAL');
  });

  it("shows the run and the failed job's log, at its error, in the stage's execution details", async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    await execution().getByText('Execution Details').click();
    await page.getByText('completed, failure').waitFor();
    await page.getByText('Smoke test #1 in octo-org/hello-world').waitFor();
    await sectionTab('Logs').click();
    const log = page.getByRole('region', { name: 'Log of smoke' });
    await log.getByText(LONG_ERROR).waitFor();
    await expect.poll(() => log.locator('.ghlv-selected').textContent()).toContain(LONG_ERROR);
    await log.scrollIntoViewIfNeeded();
    await shoot(page, 'deck-logs.png');
  });

  it("opens the job's log at full width, where the long error line fits, with search", async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const inPane = page.getByRole('region', { name: 'Log of smoke' });
    // In the execution details pane the error line runs past the log's right edge.
    expect(await overflowOf(inPane, LONG_ERROR)).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Full width' }).click();
    const dialog = page.getByRole('dialog', { name: 'Log of smoke, full width' });
    const log = dialog.getByRole('region', { name: 'Log of smoke' });
    await log.getByText(LONG_ERROR).waitFor();
    expect((await log.boundingBox())!.width).toBeGreaterThan(1300);
    expect(await overflowOf(log, LONG_ERROR)).toBeLessThan(0);
    // Above Deck's navigation: the point at the log's left edge is the log's, not Deck's side bar.
    const box = (await log.boundingBox())!;
    expect(
      await page.evaluate(({ x, y }) => Boolean(document.elementFromPoint(x, y)?.closest('.ghfw')), {
        x: box.x + 20,
        y: box.y + box.height / 2,
      }),
    ).toBe(true);

    await dialog.getByRole('searchbox', { name: 'Search log' }).fill('answered 503');
    await dialog.getByText('1 of 1').waitFor();
    await shoot(page, 'deck-full-width-log.png');
    await dialog.getByRole('button', { name: 'Close full width' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('restarts the failed stage from its summary and shows it RUNNING, then SUCCEEDED', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    await page.getByText('Restart GitHub Workflow').click();
    await page.getByRole('button', { name: 'Restart GitHub Workflow' }).click();
    await stageMarker('running').waitFor({ timeout: 30_000 });
    await stageMarker('succeeded').waitFor({ timeout: 60_000 });
    // The details now follow the restarted stage's new run.
    await sectionTab('Workflow Run').click();
    await page.getByText('Smoke test #2 in octo-org/hello-world').waitFor({ timeout: 30_000 });
  });

  it('previews which of the recent runs a GitHub workflow trigger would start', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    await page.goto(`${sandbox!.url}/#/applications/hello/executions/configure/${PIPELINE}`);
    await page.locator('.pipeline-graph .label-body', { hasText: 'Configuration' }).click({ timeout: 60_000 });
    const trigger = page.locator('.trigger-config').filter({ hasText: 'GitHub workflow finished' });
    await trigger.getByLabel('Trigger Enabled').check();
    await choose(field(trigger, 'Workflow'), 'smoke.yml');
    const preview = field(trigger, 'Recent runs');
    await preview.getByText('1 of the 2 most recent runs would start this pipeline.').waitFor();
    const rows = await preview.locator('tbody tr').allInnerTexts();
    expect(rows.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      'Smoke test #2 main success matches',
      'Smoke test #1 main failure does not match: conclusion failure is not success',
    ]);
  });
});
