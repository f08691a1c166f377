import type { Browser, Page } from 'playwright-core';

import { SEARCH_TERM, syntheticLog } from '../../bench/syntheticLog';
import { hasChromium, launchChromium, SKIP_REASON } from '../browser/chromium';
import { startSandboxProcess, type RunningSandbox } from './sandboxProcess';

/** About 124 MB: the size the issue set for large logs, read in 2 MiB ranges through the backend's log cache. */
const LINES = 1_000_000;

describe('a large job log in the sandbox', () => {
  let browser: Browser | undefined;
  let sandbox: RunningSandbox | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    sandbox = await startSandboxProcess({ SANDBOX_LARGE_LOG_LINES: String(LINES) });
    const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as { largeLogExecutionId: string };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sandbox.url}/sandbox/?execution=${state.largeLogExecutionId}`);
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('shows the first lines, opens at the error once the last range is in, and finds every match', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const expected = syntheticLog(LINES)
      .split('\n')
      .filter((line) => line.toLowerCase().includes(SEARCH_TERM)).length;
    const execution = page.locator('#execution');
    await execution.getByRole('link', { name: 'Logs' }).click();
    // A failed job's log opens by itself; open it only if it is not.
    const job = execution.getByRole('button', { name: /build/ }).first();
    await job.waitFor();
    if ((await job.getAttribute('aria-expanded')) !== 'true') await job.click();
    const log = execution.getByRole('region', { name: /^Log of build/ });
    await log.locator('[data-line]', { hasText: 'Current runner version' }).first().waitFor({ timeout: 30_000 });

    // The job failed: once every range has arrived the viewer selects its ##[error] line, a million lines down.
    const error = log.locator('.ghlv-selected', { hasText: 'Process completed with exit code 1.' });
    await error.waitFor({ timeout: 90_000 });
    expect(Number(await error.getAttribute('data-line'))).toBe(LINES - 1);

    const search = execution.getByRole('searchbox', { name: 'Search log' });
    await search.fill(SEARCH_TERM);
    await search.press('Enter');
    await execution.getByText(new RegExp(`^\\d+ of ${expected}$`)).waitFor({ timeout: 20_000 });
    expect(await execution.locator('mark.ghlv-current').textContent()).toBe(SEARCH_TERM);
  });
});
