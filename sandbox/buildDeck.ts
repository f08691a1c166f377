import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Deck's application from the published @spinnaker/core (sandbox/deck/app.ts), bundled by esbuild into `outdir`
 * with its stylesheets and fonts, beside our index.html, Deck-like settings and the jQuery + jQuery UI that Deck's
 * index.html loads from a CDN. `settingsLocal` is written as settings-local.js (gateUrl and the like).
 */
export async function buildDeck(root: string, outdir: string, settingsLocal: Record<string, unknown>): Promise<void> {
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
  writeFileSync(
    join(outdir, 'settings-local.js'),
    `Object.assign(window.spinnakerSettings, ${JSON.stringify(settingsLocal, null, 2)});\n`,
  );
}
