import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreBundleOptions } from './coreBundle.js';

/**
 * Bundles the sandbox page (sandbox/page/main.tsx) with the real @spinnaker/core, React 16.14 and Deck's stylesheets
 * (core imports bootstrap, font-awesome and @spinnaker/styleguide; esbuild writes them and their fonts next to
 * page.js).
 */
export async function buildPage(root: string, outdir: string): Promise<void> {
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
