import type { BuildOptions, Plugin } from 'esbuild';
import { join, resolve } from 'node:path';

const ASSETS = ['.woff', '.woff2', '.ttf', '.eot', '.svg', '.png', '.gif', '.jpg'];

/**
 * Deck's shared libraries that @spinnaker/core imports but that neither the sandbox page nor Deck's app without a
 * cloud provider reaches. Each becomes an empty CommonJS module, so the named imports core makes of them read as
 * undefined instead of failing the build.
 */
const STUBBED = /^(ajv|react-redux|redux-actions|reselect|@spinnaker\/kayenta|@uirouter\/visualizer)$/;

const stubs: Plugin = {
  name: 'stub-unused-shared-libraries',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: STUBBED }, (args) => ({ path: args.path, namespace: 'stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** A path in the project's node_modules. */
export const nodeModule = (root: string, path: string): string => resolve(root, 'node_modules', path);

/**
 * esbuild options for a browser bundle of `entry` with the real @spinnaker/core, React 16.14 and Deck's stylesheets
 * and fonts (written next to the bundle). The aliases are those of vitest.config.ts; `alias` and `plugins` add to
 * them.
 */
export function coreBundleOptions(
  root: string,
  {
    entry,
    outdir,
    alias = {},
    plugins = [],
  }: { entry: Record<string, string>; outdir: string; alias?: Record<string, string>; plugins?: Plugin[] },
): BuildOptions {
  return {
    entryPoints: entry,
    bundle: true,
    format: 'iife',
    outdir,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    alias: {
      '@spinnaker/core': nodeModule(root, '@spinnaker/core/dist/index.js'),
      '@spinnaker/presentation': nodeModule(root, '@spinnaker/presentation/dist/index.js'),
      'root/version.json': join(root, 'test/fixtures/version.json'),
      ...alias,
    },
    loader: Object.fromEntries(ASSETS.map((ext) => [ext, 'file' as const])),
    plugins: [stubs, ...plugins],
    logLevel: 'error',
  };
}
