import { build } from 'esbuild';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Why a browser or e2e test skips outside CI. */
export const SKIP_REASON = `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`;
// Elsewhere the browser and e2e tests skip with a reason; in CI (.ci/run sets CI) a missing Chromium fails them.
if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing, and CI runs the browser and e2e tests: apt-get install -y chromium`);
}
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian's Chromium, headless, with nothing that reaches the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Users' browsers show scrollbars that take room from the page (Playwright hides them when headless).
    ignoreDefaultArgs: ['--hide-scrollbars'],
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
}

/**
 * Bundles a page script (React 16.14 from node_modules, as Deck has it) into a temporary directory with an HTML page
 * that runs it, and returns the page's file URL.
 */
export async function buildPage(entry: string, alias: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'log-viewer-page-'));
  await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    format: 'iife',
    outfile: join(dir, 'page.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    alias,
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"><div id="root"></div><script src="page.js"></script></body></html>',
  );
  return `file://${join(dir, 'index.html')}`;
}
