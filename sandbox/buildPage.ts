import { build, type Plugin } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Deck's shared libraries that @spinnaker/core imports but that no page of the sandbox uses. Each becomes an empty
 * CommonJS module, so the named imports core makes of them read as undefined instead of failing the build.
 */
const STUBBED = /^(ajv|react-redux|redux-actions|reselect|@spinnaker\/kayenta)$/;

const stubs: Plugin = {
  name: 'stub-unused-shared-libraries',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: STUBBED }, (args) => ({ path: args.path, namespace: 'stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const ASSETS = ['.woff', '.woff2', '.ttf', '.eot', '.svg', '.png', '.gif', '.jpg'];

/**
 * Bundles the sandbox page (sandbox/page/main.tsx) with the real @spinnaker/core, React 16.14 and Deck's stylesheets
 * (core imports bootstrap, font-awesome and @spinnaker/styleguide; esbuild writes them and their fonts next to
 * page.js). The aliases are those of vitest.config.ts.
 */
export async function buildPage(root: string, outdir: string): Promise<void> {
  const modules = (path: string) => resolve(root, 'node_modules', path);
  await build({
    entryPoints: { page: join(root, 'sandbox/page/main.tsx') },
    bundle: true,
    format: 'iife',
    outdir,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    alias: {
      '@spinnaker/core': modules('@spinnaker/core/dist/index.js'),
      '@spinnaker/presentation': modules('@spinnaker/presentation/dist/index.js'),
      'root/version.json': join(root, 'test/fixtures/version.json'),
    },
    loader: Object.fromEntries(ASSETS.map((ext) => [ext, 'file' as const])),
    plugins: [stubs],
    logLevel: 'error',
  });
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
