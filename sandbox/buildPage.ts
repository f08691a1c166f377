import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, filesOf } from './buildCache.js';
import { coreBundleOptions } from './coreBundle.js';

/**
 * Bundles the sandbox page (sandbox/page/main.tsx) with the real @spinnaker/core, React 16.14 and Deck's stylesheets
 * (core imports bootstrap, font-awesome and @spinnaker/styleguide; esbuild writes them and their fonts next to
 * page.js).
 */
async function bundlePage(root: string, outdir: string): Promise<void> {
  await build(coreBundleOptions(root, { entry: { page: join(root, 'sandbox/page/main.tsx') }, outdir }));
  writeFileSync(
    join(outdir, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>GitHub for Spinnaker: sandbox</title>
    <link rel="stylesheet" href="/sandbox/assets/page.css" />
  </head>
  <body class="sandbox">
    <div id="root"></div>
    <script src="/sandbox/assets/page.js"></script>
  </body>
</html>
`,
  );
}

/**
 * The sandbox page's bundle, cached in node_modules/.cache like Deck's (sandbox/buildDeck.ts), keyed on the lockfile
 * and the page's sources; the page loads the plugin from /plugin at run time, so the plugin is not among them.
 * Resolves to the cached directory.
 */
export function buildPage(root: string): Promise<string> {
  const inputs = [
    join(root, 'package-lock.json'),
    join(root, 'sandbox/buildPage.ts'),
    join(root, 'sandbox/coreBundle.ts'),
    join(root, 'test/fixtures/version.json'),
    ...filesOf(join(root, 'sandbox/page')),
  ];
  return cachedBuild(root, { name: 'page', inputs, complete: 'index.html' }, (dir) => bundlePage(root, dir));
}
