import { build, type Plugin } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, filesOf } from './buildCache.js';
import { coreBundleOptions, nodeModule } from './coreBundle.js';

/**
 * One copy of each @uirouter package, their ES modules: a CommonJS require() of one (or react-hybrid's UMD bundle,
 * which inlines them) besides core's ES imports made two routers ("UIRouter instance is undefined", and
 * `services.$q` unset in @uirouter/react's copy of @uirouter/core).
 */
const oneRouter = (modules: (path: string) => string): Plugin => ({
  name: 'one-uirouter',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@uirouter\/(core|angularjs|react|react-hybrid|rx)$/ }, (args) => ({
      path: modules(`${args.path}/lib-esm/index.js`),
    }));
  },
});

async function bundleDeck(root: string, outdir: string): Promise<void> {
  const modules = (path: string) => nodeModule(root, path);
  mkdirSync(join(outdir, 'vendor'), { recursive: true });
  await build(
    coreBundleOptions(root, {
      entry: { app: join(root, 'sandbox/deck/app.ts') },
      outdir,
      alias: { jquery: join(root, 'sandbox/deck/jqueryGlobal.cjs') },
      plugins: [oneRouter(modules)],
    }),
  );
  copyFileSync(modules('deck-jquery/dist/jquery.min.js'), join(outdir, 'vendor/jquery.min.js'));
  copyFileSync(modules('jquery-ui-dist/jquery-ui.min.js'), join(outdir, 'vendor/jquery-ui.min.js'));
  copyFileSync(join(root, 'sandbox/deck/index.html'), join(outdir, 'index.html'));
  copyFileSync(join(root, 'sandbox/deck/settings.js'), join(outdir, 'settings.js'));
}

/**
 * Deck's application from the published @spinnaker/core (sandbox/deck/app.ts), bundled by esbuild into `outdir`
 * with its stylesheets and fonts, beside our index.html, Deck-like settings and the jQuery + jQuery UI that Deck's
 * index.html loads from a CDN. `settingsLocal` is written as settings-local.js (gateUrl and the like).
 *
 * The bundle is kept in node_modules/.cache, keyed on the lockfile and the shell's sources, so that only the first
 * start after `npm ci` or a change to sandbox/deck pays for esbuild (about 12 s on a busy machine).
 */
export async function buildDeck(root: string, outdir: string, settingsLocal: Record<string, unknown>): Promise<void> {
  // What Deck's build reads: the installed packages (the lockfile) and the shell's own sources.
  const inputs = [
    join(root, 'package-lock.json'),
    join(root, 'sandbox/buildDeck.ts'),
    join(root, 'sandbox/coreBundle.ts'),
    ...filesOf(join(root, 'sandbox/deck')),
  ];
  const cached = await cachedBuild(root, { name: 'deck', inputs, complete: 'app.js' }, (dir) => bundleDeck(root, dir));
  cpSync(cached, outdir, { recursive: true });
  writeFileSync(
    join(outdir, 'settings-local.js'),
    `Object.assign(window.spinnakerSettings, ${JSON.stringify(settingsLocal, null, 2)});\n`,
  );
}
