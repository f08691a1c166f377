import type { Browser, Page } from 'playwright-core';

import { hasChromium, launchChromium, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

const PIPELINE = '7f3c1f9e-3d1b-4c63-9a34-1c2d5e0a0003';
const PLUGIN = /\/plugins\/deck\/[^/]+\/[^/]+\/index\.js$/;

// `npm start` serves Deck while rollup still builds the plugin (sandbox/start.mjs); Gate's plugin endpoint holds
// Deck's request until start.mjs says over IPC that build/dist holds the bundle.
describe('real Deck started while the plugin is still building', () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    sandbox = await startSandboxProcess({ SANDBOX_PLUGIN_PENDING: '1' }, { ipc: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('says so, then shows the plugin in Deck once the build is reported done', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    expect(sandbox!.output()).toContain('(the plugin is still building: Deck waits for it)');
    let pluginAnswered = false;
    page.on('requestfinished', (request) => void (PLUGIN.test(request.url()) && (pluginAnswered = true)));
    const pluginRequested = page.waitForRequest(PLUGIN, { timeout: 60_000 });
    await page.goto(`${sandbox!.url}/#/applications/hello/executions/configure/${PIPELINE}`);
    await pluginRequested;
    expect(pluginAnswered).toBe(false);

    sandbox!.send({ pluginBundle: 'ready' });

    // The plugin came through Gate's plugin endpoint: its editors render the pipeline's triggers.
    await page.locator('.Select-value-label', { hasText: 'GitHub workflow finished' }).waitFor({ timeout: 60_000 });
    expect(pluginAnswered).toBe(true);
  });
});
