import type { Browser, Page } from 'playwright-core';

import { SEARCH_TERM, syntheticLog } from '../../bench/syntheticLog';
import { buildPage, hasChromium, launchChromium, root, SKIP_REASON } from './chromium';

const LINES = 100_000;
const API = 'http://gate.test/proxies/github/repos/octo-org/web-app';

/** What every test page has besides the viewer (see `openFailedJob`). */
interface TestWindow {
  /** Errors reported on the window, as Deck's error reporting would see them (uncaught, or a ResizeObserver loop). */
  reported: string[];
  /** The log's scroller's box less its scrollbars: where rows show. */
  logView(): { top: number; bottom: number; height: number };
}

function installInPage() {
  const page = window as unknown as Window & TestWindow;
  page.reported = [];
  page.addEventListener('error', (event) => page.reported.push(event.message));
  page.logView = () => {
    const scroller = document.querySelector('.ghlv-scroller')!;
    const top = scroller.getBoundingClientRect().top + scroller.clientTop;
    return { top, bottom: top + scroller.clientHeight, height: scroller.clientHeight };
  };
}

/** The line number of the row holding `selector`'s element, and whether the row lies inside the log's visible box. */
function shownRow(page: Page, selector: string) {
  return page.evaluate((selector) => {
    const element = document.querySelector(selector);
    const row = element?.closest<HTMLElement>('[data-line]');
    if (!element || !row || !document.querySelector('.ghlv-scroller')) return null;
    const box = row.getBoundingClientRect();
    const view = (window as unknown as TestWindow).logView();
    return {
      line: Number(row.dataset.line),
      text: row.textContent ?? '',
      visible: box.top >= view.top && box.bottom <= view.bottom,
    };
  }, selector);
}

const currentMatch = (page: Page) => shownRow(page, 'mark.ghlv-current');

/**
 * How the rows in the DOM lie around the log's visible box, how many 20 px rows that box fits, how far rows overlap
 * the row above them, and how tall the tallest is.
 */
function rowsAroundView(page: Page) {
  return page.evaluate(() => {
    const view = (window as unknown as TestWindow).logView();
    const rows = [...document.querySelectorAll('[data-line]')]
      .map((row) => row.getBoundingClientRect())
      .sort((a, b) => a.top - b.top);
    return {
      inView: rows.filter((row) => row.bottom > view.top && row.top < view.bottom).length,
      below: rows.filter((row) => row.top >= view.bottom).length,
      above: rows.filter((row) => row.bottom <= view.top).length,
      fit: Math.ceil(view.height / 20),
      blankBelow: view.bottom - Math.max(...rows.map((row) => row.bottom)),
      overlap: Math.round(Math.max(0, ...rows.slice(1).map((row, i) => rows[i]!.bottom - row.top))),
      tallest: Math.max(...rows.map((row) => row.height)),
    };
  });
}

/** The pages the current test opened, and what was thrown in them uncaught. */
const opened: Array<{ page: Page; uncaught: string[] }> = [];

interface OpenOptions {
  viewport?: { width: number; height: number };
  /** The job list is answered only once this settles, so that the test can act on the page before the log comes. */
  held?: Promise<void>;
  /** Ranges from this byte on are answered 502, as the backend answers when GitHub's log host fails. */
  failFrom?: number;
}

/** Opens the run logs page on a failed job whose log is `log`, served in ranges as the backend serves it. */
async function openFailedJob(
  browser: Browser,
  log: string,
  { viewport = { width: 1280, height: 720 }, held = Promise.resolve(), failFrom = Infinity }: OpenOptions = {},
): Promise<Page> {
  const url = await buildPage('test/browser/page/runLogsPage.tsx', {
    '@spinnaker/core': `${root}/test/browser/page/spinnakerCore.ts`,
  });
  const page = await browser.newPage({ viewport });
  const uncaught: string[] = [];
  // The page's own report of an uncaught error says only "Script error." (file: URLs); Playwright's says what it was.
  page.on('pageerror', (error) => uncaught.push(error.stack ?? error.message));
  opened.push({ page, uncaught });
  await page.addInitScript(installInPage);
  const job = { id: 9, runId: 42, name: 'test', status: 'completed', conclusion: 'failure', steps: [] };
  await page.route(`${API}/runs/42/jobs`, async (route) => {
    await held;
    return route.fulfill({ json: { items: [job] } });
  });
  // The backend's ranged answer (backend/src/contract.ts LogRangeDto), never splitting a UTF-8 character.
  const bytes = Buffer.from(log);
  await page.route(`${API}/jobs/9/logs?**`, (route) => {
    const query = new URL(route.request().url()).searchParams;
    const start = Number(query.get('start'));
    if (start >= failFrom) {
      return route.fulfill({ status: 502, json: { error: { name: 'UpstreamError', message: 'GitHub failed.' } } });
    }
    let end = Math.min(bytes.length, start + Number(query.get('length')));
    while (end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    const header = `#log start=${start} end=${end} size=${bytes.length} complete=true\n`;
    return route.fulfill({
      body: Buffer.concat([Buffer.from(header), bytes.subarray(start, end)]),
      contentType: 'text/plain; charset=utf-8',
    });
  });
  await page.goto(url);
  return page;
}

describe('the run logs in Chromium', () => {
  let browser: Browser | undefined;
  const log = syntheticLog(LINES);

  beforeAll(async () => {
    if (hasChromium) browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    for (const { page, uncaught } of opened.splice(0)) {
      const reported = await page.evaluate(() => (window as unknown as TestWindow).reported);
      await page.close();
      expect({ reported, uncaught }).toEqual({ reported: [], uncaught: [] });
    }
  });

  it('opens a small failed log with its error line in view', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    // 200 lines: the whole log comes in the first range, so the viewer knows its error before it first renders.
    const page = await openFailedJob(browser, syntheticLog(200));
    const error = page.locator('[data-line="199"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('Error: Process completed with exit code 1.');
    expect(await shownRow(page, '[data-line="199"]')).toMatchObject({ visible: true });
  });

  it('shows the error line, and fills the view, where the toolbar takes two lines', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const page = await openFailedJob(browser, syntheticLog(200), { viewport: { width: 600, height: 720 } });
    await page.locator('[data-line="199"]').waitFor();
    const toolbar = await page.getByRole('group', { name: 'Log tools' }).boundingBox();
    expect(toolbar!.height).toBeGreaterThan(60);

    expect(await shownRow(page, '[data-line="199"]')).toMatchObject({ visible: true });
    expect((await rowsAroundView(page)).blankBelow).toBeLessThan(1);
  });

  it('draws the lines in view first, lines beyond the view once scrolled, and aligns the text past 99', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    // Without its error line the log opens at the top, unscrolled.
    const page = await openFailedJob(browser, syntheticLog(400).replace(/^.*##\[error\].*\n/m, ''));
    await page.locator('[data-line="1"]').waitFor();
    // The first paint draws what fills the view and nothing more.
    const first = await rowsAroundView(page);
    expect(first.inView).toBe(first.fit);
    expect(first.below).toBe(0);

    // Once the user scrolls, lines beyond both edges are ready before they scroll into view.
    await page.locator('.ghlv-scroller').hover();
    await page.mouse.wheel(0, 1000);
    await expect.poll(() => rowsAroundView(page)).toMatchObject({ above: 10, below: 10 });

    // Lines 99 and 100 have number columns of one width, so their text starts in one column.
    const textLeft = (line: number) =>
      page.locator(`[data-line="${line}"] .ghlv-text`).evaluate((text) => text.getBoundingClientRect().left);
    await page.locator('[data-line="100"]').waitFor();
    expect(await textLeft(99)).toBeCloseTo(await textLeft(100), 0);
  });

  it('shows the error line of a log loaded while its panel was hidden, once the panel is shown', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    let release = () => {};
    const page = await openFailedJob(browser, syntheticLog(2000), { held: new Promise((done) => (release = done)) });
    const panel = (display: string) =>
      page.evaluate((display) => (document.getElementById('root')!.style.display = display), display);
    await panel('none');
    release();
    // The viewer opens at the error while nothing of it is displayed, so the scroller cannot scroll yet.
    await page.locator('[data-line="1999"]').waitFor({ state: 'attached' });

    await panel('');
    await expect.poll(() => shownRow(page, '[data-line="1999"]')).toMatchObject({ visible: true });
  });

  it('wraps the lines again when the panel around the log narrows without a window resize', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const words = 'compiling module chunk '.repeat(5).trim();
    // One screen of lines, which take two screens once narrowed: the scrollbar appears as the lines wrap again.
    const lines = Array.from(
      { length: 25 },
      (_, i) => `2024-03-14T09:00:${String(i).padStart(2, '0')}.0000000Z ${words}`,
    );
    const page = await openFailedJob(browser, `${lines.join('\n')}\n`);
    await page.locator('[data-line="1"]').waitFor();
    await page.getByRole('button', { name: 'Wrap' }).click();

    const scrolls = () =>
      page.locator('.ghlv-scroller').evaluate((element) => element.scrollHeight > element.clientHeight);
    expect(await rowsAroundView(page)).toMatchObject({ overlap: 0, tallest: 20 });
    expect(await scrolls()).toBe(false);

    // Deck's panels change the log's width without resizing the window: a line of 114 characters now takes two rows.
    await page.evaluate(() => (document.getElementById('root')!.style.width = '640px'));
    await expect.poll(() => rowsAroundView(page)).toMatchObject({ overlap: 0, tallest: 40 });
    expect(await scrolls()).toBe(true);
  });

  it('scrolls sideways to a match far along a long line', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const lines = Array.from({ length: 50 }, (_, i) => `2024-03-14T09:00:00.0000000Z line ${i + 1}`);
    lines[29] = `2024-03-14T09:00:00.0000000Z ${'x'.repeat(2000)} needle at the end`;
    const page = await openFailedJob(browser, `${lines.join('\n')}\n`);
    await page.locator('[data-line="1"]').waitFor();
    const search = page.getByRole('searchbox', { name: 'Search log' });
    await search.fill('needle');
    await search.press('Enter');
    await page.getByText('1 of 1').waitFor();

    const seen = await page.locator('.ghlv-scroller').evaluate((scroller) => {
      const mark = scroller.querySelector('mark.ghlv-current')!.getBoundingClientRect();
      const box = scroller.getBoundingClientRect();
      return { left: mark.left - box.left, right: box.right - mark.right };
    });
    expect(seen.left).toBeGreaterThan(0);
    expect(seen.right).toBeGreaterThan(0);
  });

  it('copies without the Clipboard API (plain-http Deck) and gives the focus back to where it was', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const page = await openFailedJob(browser, syntheticLog(200));
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
    const copyButton = page.getByRole('button', { name: 'Copy line' });
    await copyButton.click();
    await page.getByText(/^Copied line \d+$/).waitFor();
    expect(await copyButton.evaluate((button) => document.activeElement === button)).toBe(true);
  });

  it('keeps the whole log in the window in full width while it says that a later part could not be read', async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    // The first range (2 MiB) is read; every later one fails.
    const page = await openFailedJob(browser, log, { failFrom: 1 });
    await page.getByText(/^Only the first \d+ lines of this log could be read so far/).waitFor();
    await page.getByRole('button', { name: 'Full width' }).click();

    const dialog = page.getByRole('dialog', { name: 'Log of test, full width' });
    await dialog.getByText(/^Only the first \d+ lines/).waitFor();
    // The log ends above the window's bottom edge, and its rows reach down to the log's own.
    const box = await dialog.locator('.ghlv-scroller').evaluate((scroller) => ({
      bottom: scroller.getBoundingClientRect().bottom,
      rows: Math.max(...[...scroller.querySelectorAll('[data-line]')].map((row) => row.getBoundingClientRect().bottom)),
    }));
    expect(box.bottom).toBeLessThanOrEqual(720);
    expect(box.rows).toBeGreaterThanOrEqual(box.bottom - 20);
  });

  it(`shows a ${LINES}-line job log and scrolls to the matches of a search`, async (context) => {
    if (!browser) return context.skip(SKIP_REASON);
    const page = await openFailedJob(browser, log);

    // A failed job opens at its error, the log's last lines.
    const error = page.locator(`[data-line="${LINES - 1}"]`);
    await error.waitFor();
    expect(await error.textContent()).toContain('Error: Process completed with exit code 1.');
    await expect.poll(() => shownRow(page, `[data-line="${LINES - 1}"]`)).toMatchObject({ visible: true });

    const search = page.getByRole('searchbox', { name: 'Search log' });
    await search.fill(SEARCH_TERM);
    await search.press('Enter');
    // The search starts at the match nearest below what is in view: here, near the end.
    const count = page.getByText(/^\d+ of \d+$/);
    await count.waitFor();
    const [, total] = ((await count.textContent()) ?? '').split(' of ').map(Number);
    expect(total).toBe(log.split(SEARCH_TERM).length - 1);
    const near = await currentMatch(page);
    expect(near).toMatchObject({ visible: true, text: expect.stringContaining(SEARCH_TERM) });

    // The next match after the last is the first, near the top: tens of thousands of lines away.
    await page.getByRole('button', { name: 'Next match' }).click();
    await page.getByText(`1 of ${total}`).waitFor();
    const first = await currentMatch(page);
    expect(first).toMatchObject({ visible: true, text: expect.stringContaining(SEARCH_TERM) });
    expect(first!.line).toBeLessThan(near!.line - LINES / 2);
  });
});
