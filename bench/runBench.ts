/**
 * `npm run bench:logs`: renders the same synthetic job logs with three log viewers in headless Chromium and prints
 * how long each takes to show the first lines, find every match of a term and scroll to the end, and its JS heap.
 * Options: `--sizes 10000,100000` `--viewers ours,melloware` `--repeat 3`; `--against <git revision>` adds this
 * plugin's viewer as it was at that revision, to compare a change on the same machine in the same minutes. Runs of
 * the viewers alternate. `--e2e` measures the whole path instead (bench/endToEnd.ts).
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';

import { median, medianInterval } from './stats';
import { SEARCH_TERM } from './syntheticLog';

const bench = dirname(fileURLToPath(import.meta.url));
const root = resolve(bench, '..');
const STEP_TIMEOUT_MS = 150_000;

interface ViewerPage {
  name: string;
  label: string;
  entry: string;
  alias: Record<string, string>;
}

const VIEWERS: ViewerPage[] = [
  {
    name: 'ours',
    label: 'this plugin (React 16.14)',
    entry: 'pages/ours.tsx',
    // Deck's React, from the plugin's own node_modules, not bench/node_modules' React 18.
    alias: { react: `${root}/node_modules/react`, 'react-dom': `${root}/node_modules/react-dom` },
  },
  {
    name: 'melloware',
    label: '@melloware/react-logviewer (React 18)',
    entry: 'pages/melloware.tsx',
    alias: {},
  },
  {
    name: 'backstage',
    label: '@backstage/core-components LogViewer (React 18)',
    entry: 'pages/backstage.tsx',
    alias: {
      'backstage-real-log-viewer': `${bench}/node_modules/@backstage/core-components/dist/components/LogViewer/RealLogViewer.esm.js`,
    },
  },
];

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function buildPage(viewer: ViewerPage): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `log-bench-${viewer.name}-`));
  await build({
    entryPoints: [resolve(bench, viewer.entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    outfile: join(dir, 'page.js'),
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    alias: viewer.alias,
    loader: { '.js': 'jsx' },
    logLevel: 'error',
  });
  const html =
    '<!doctype html><meta charset="utf-8"><body style="margin:0"><div id="root"></div><script src="page.js">';
  writeFileSync(join(dir, 'index.html'), `${html}</script>`);
  return `file://${join(dir, 'index.html')}`;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS),
    ),
  ]);
}

interface Run {
  bytes: number;
  firstPaint?: number;
  search?: number;
  matches?: number;
  scrollEnd?: number;
  heap?: number;
  error?: string;
}

/** Garbage-collected JS heap of the page, array buffers' backing stores included (they live outside V8's heap). */
async function heapBytes(context: BrowserContext): Promise<number> {
  const cdp = await context.newCDPSession(context.pages()[0]);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  return usage.usedSize + (usage.backingStorageSize ?? 0);
}

async function measure(browser: Browser, url: string, lines: number): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const crashed = new Promise<never>((_, reject) => page.on('crash', () => reject(new Error('the page crashed'))));
  const step = <T>(what: string, work: Promise<T>) => withTimeout(Promise.race([work, crashed]), what);
  const run: Run = { bytes: 0 };
  try {
    await page.goto(url);
    run.bytes = await step(
      'prepare',
      page.evaluate((n) => window.bench.prepare(n), lines),
    );
    run.firstPaint = (
      await step(
        'first paint',
        page.evaluate(() => window.bench.mount()),
      )
    ).ms;
    run.heap = await step('heap', heapBytes(context));
    const found = await step(
      'search',
      page.evaluate((term) => window.bench.search(term), SEARCH_TERM),
    );
    [run.search, run.matches] = [found.ms, found.count];
    run.scrollEnd = (
      await step(
        'scroll to end',
        page.evaluate(() => window.bench.scrollToEnd()),
      )
    ).ms;
  } catch (error) {
    run.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
  } finally {
    await Promise.race([context.close(), new Promise((done) => setTimeout(done, 10_000))]).catch(() => undefined);
  }
  return run;
}

const ms = (value?: number) =>
  value === undefined ? '–' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
const mb = (value: number) => `${(value / 1e6).toFixed(1)} MB`;

/** The runs' median of each measure. */
function medianRun(runs: Run[]): Run {
  const pick = (key: 'firstPaint' | 'search' | 'scrollEnd' | 'heap') => median(runs.map((run) => run[key] ?? NaN));
  const failed = runs.find((run) => run.error);
  if (failed) return failed;
  return {
    ...runs[0],
    firstPaint: pick('firstPaint'),
    search: pick('search'),
    scrollEnd: pick('scrollEnd'),
    heap: pick('heap'),
  };
}

/** This plugin's viewer page as it was at git revision `rev`, extracted under build/ (where node_modules resolve). */
function viewerAt(rev: string): ViewerPage {
  const dir = join(root, 'build', 'bench', `at-${rev.replace(/[^\w.-]/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', rev, 'src', 'bench/pages', 'bench/syntheticLog.ts'], { cwd: root });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  return {
    ...VIEWERS[0],
    name: `ours@${rev}`,
    label: `this plugin at ${rev}`,
    entry: join(dir, 'bench/pages/ours.tsx'),
  };
}

async function main() {
  const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
  const names = option('viewers', VIEWERS.map((viewer) => viewer.name).join(',')).split(',');
  const repeat = Number(option('repeat', '3'));
  const viewers = VIEWERS.filter((viewer) => names.includes(viewer.name));
  const against = option('against', '');
  if (against) viewers.splice(1, 0, viewerAt(against));
  const urls = new Map<string, string>();
  for (const viewer of viewers) urls.set(viewer.name, await buildPage(viewer));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  console.log(`Chromium ${browser.version()}, search term "${SEARCH_TERM}", median of ${repeat} alternating runs\n`);
  console.log(
    '| lines | raw log | viewer | first lines painted | find all matches | scroll to end | JS heap after load |',
  );
  console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  const ratios: string[] = [];
  try {
    for (const lines of sizes) {
      // Each viewer's runs alternate with the others', so that a busier minute of the machine falls on all of them.
      // A viewer whose run fails or takes over 30 s is not run again.
      const runs = new Map<ViewerPage, Run[]>(viewers.map((viewer) => [viewer, []]));
      for (let i = 0; i < repeat; i++) {
        for (const viewer of viewers) {
          const done = runs.get(viewer)!;
          const last = done[done.length - 1];
          if (last && (last.error || (last.firstPaint ?? 0) > 30_000)) continue;
          done.push(await measure(browser, urls.get(viewer.name)!, lines));
        }
      }
      for (const viewer of viewers) {
        const run = medianRun(runs.get(viewer)!);
        const heap = run.heap === undefined ? '–' : `${mb(run.heap)} (${(run.heap / run.bytes).toFixed(2)}×)`;
        const search = run.search === undefined ? '–' : `${ms(run.search)} (${run.matches})`;
        const cells = [
          lines.toLocaleString('en'),
          mb(run.bytes),
          viewer.label,
          ms(run.firstPaint),
          search,
          ms(run.scrollEnd),
          heap,
        ];
        console.log(`| ${cells.join(' | ')} |${run.error ? ` ${run.error}` : ''}`);
      }
      ratios.push(...roundRatios(lines, viewers, runs));
    }
  } finally {
    await browser.close();
  }
  if (ratios.length > 0) {
    console.log(
      "\nFirst paint of each other viewer ÷ this plugin's, round by round (a round's runs follow each other):\n",
    );
    console.log('| lines | viewer | median | 95 % interval of the median | lowest | highest |');
    console.log('| ---: | --- | ---: | --- | ---: | ---: |');
    ratios.forEach((row) => console.log(row));
  }
}

/**
 * The machine's speed drifts from one second to the next on shared hardware, for every viewer alike, so a ratio of
 * two medians moves more than the ratios within each round of alternating runs. One table row per other viewer, with
 * the range that holds the median ratio at 95 % confidence: a goal such as "5× the best peer" is met for sure when the
 * range's low end reaches it.
 */
function roundRatios(lines: number, viewers: ViewerPage[], runs: Map<ViewerPage, Run[]>): string[] {
  const ours = viewers.find((viewer) => viewer.name === 'ours');
  if (!ours) return [];
  const base = runs.get(ours)!;
  return viewers
    .filter((viewer) => viewer !== ours)
    .flatMap((viewer) => {
      const each = runs
        .get(viewer)!
        .map((run, round) => (run.firstPaint ?? NaN) / (base[round]?.firstPaint ?? NaN))
        .filter((ratio) => Number.isFinite(ratio));
      if (each.length === 0) return [];
      const times = (ratio: number) => `${ratio.toFixed(1)}×`;
      const interval = medianInterval(each);
      const cells = [
        lines.toLocaleString('en'),
        viewer.label,
        times(median(each)),
        interval ? `${times(interval[0])} to ${times(interval[1])}` : '– (too few rounds)',
        times(Math.min(...each)),
        times(Math.max(...each)),
      ];
      return [`| ${cells.join(' | ')} |`];
    });
}

if (process.argv.includes('--e2e')) await (await import('./endToEnd')).endToEnd(root);
else await main();
