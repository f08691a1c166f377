import type { Browser, Page } from 'playwright-core';

import { hasChromium, launchChromium, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const PIPELINE = '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0003';

describe("the sandbox's real Deck in Chromium", () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    sandbox = await startSandboxProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${sandbox.url}/#/applications/hello/executions/configure/${PIPELINE}`);
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it("shows both GitHub triggers in Deck's Automated Triggers with Deck's stock triggerTypes", async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    // The plugin came through Gate's plugin endpoint: its editors render the pipeline's two triggers.
    const triggers = page.locator('.Select-value-label');
    await triggers.filter({ hasText: 'GitHub workflow finished' }).waitFor({ timeout: 60_000 });
    await triggers.filter({ hasText: 'GitHub deployment created' }).waitFor();
    // And Deck's trigger type list offers both, though settings.js restricts it to Deck's own types.
    const options = await openTypeSelect(page, 'GitHub deployment created');
    const labels = await options.allTextContents();
    expect(labels.filter((label) => label.startsWith('GitHub workflow finished'))).toHaveLength(1);
    expect(labels.filter((label) => label.startsWith('GitHub deployment created'))).toHaveLength(1);
    await page.keyboard.press('Escape');
  });

  // Deck registers Gate's preconfigured webhooks (ours is type githubWorkflow) and loads plugins in two run blocks
  // that race; holding back one answer decides which registration comes first.
  for (const [first, held] of [
    ['the plugin', '**/webhooks/preconfigured'],
    ["Gate's preconfigured webhooks", '**/plugins/deck/*/*/index.js'],
  ]) {
    it(`lists exactly one GitHub Workflow in the stage picker when ${first} registers first`, async (context) => {
      if (!browser) return context.skip(SKIP_REASON);
      const racing = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        await racing.route(held, async (route) => {
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          await route.continue();
        });
        await racing.goto(`${sandbox!.url}/#/applications/hello/executions/configure/${PIPELINE}`);
        await racing.getByText('Add stage').click({ timeout: 60_000 });
        await racing.locator('.ui-select-match').first().click();
        const rows = racing.locator('.ui-select-choices-row');
        await rows.first().waitFor({ timeout: 20_000 });
        const labels = (await rows.allTextContents()).map((label) => label.trim());
        expect(labels.filter((label) => label.startsWith('GitHub Workflow'))).toHaveLength(1);
      } finally {
        await racing.close();
      }
    });
  }
});

/**
 * Opens the Type select of the trigger of this type and returns its options. Deck's `ReactSelectInput` (@spinnaker/core
 * 0.29.1) declares its select inside its render, so a render of the trigger's form mounts the select anew, closed
 * (test/triggers/render.tsx, `chooseTriggerType`); if one comes after the click, click again, as a user would.
 */
async function openTypeSelect(page: Page, type: string) {
  const control = page.locator('.Select-control', { has: page.locator('.Select-value-label', { hasText: type }) });
  const options = page.locator('.Select-option');
  for (let attempt = 1; ; attempt++) {
    await control.click();
    try {
      await options.first().waitFor({ timeout: 5_000 });
      return options;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
