// Reproduces the output contract of @spinnaker/pluginsdk's pluginconfig/rollup.config.js
// (spinnaker/deck packages/scripts/config/rollup.config.base.plugin.js) on current rollup: one ES module in
// build/dist whose imports of Deck's shared libraries read window.spinnaker.plugins.sharedLibraries instead.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import externalGlobals from 'rollup-plugin-external-globals';

// What Deck exposes: exposeSharedLibraries() in spinnaker/deck packages/core/src/plugins/sharedLibraries.ts.
// formik is not among them: the plugin imports only its types (`import type`, devDependency at the 1.5.1
// @spinnaker/core 0.29.1 pins), and Deck's own Formik hands the stage form its props.
const SHARED_LIBRARIES = [
  'ajv',
  '@spinnaker/core',
  '@spinnaker/kayenta',
  '@uirouter/core',
  '@uirouter/react',
  '@uirouter/rx',
  'lodash',
  'prop-types',
  'react',
  'react-dom',
  'react-redux',
  'redux-actions',
  'reselect',
  'rxjs',
  'rxjs/Observable',
];

const globals = Object.fromEntries(
  SHARED_LIBRARIES.map((name) => [name, `spinnaker.plugins.sharedLibraries.${name.replace(/[^\w]/g, '_')}`]),
);

// `npm start` builds into a directory of its own and renames the files into build/dist (sandbox/pluginBundle.mjs).
const outDir = process.env.PLUGIN_OUT_DIR || 'build/dist';

export default {
  input: 'src/index.ts',
  output: { dir: outDir, format: 'es', sourcemap: true },
  external: SHARED_LIBRARIES,
  onwarn(warning, warn) {
    // react-query's 'use client' directives mean nothing in a plain ES module.
    if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
  },
  plugins: [
    nodeResolve({ browser: true }),
    commonjs(),
    // backend/src/triggers/pattern.ts and backend/src/repositoryName.ts are shared with the backend: one pattern
    // engine for the preview and the matching, one rule for repository names. So are eventFacts.ts and spel.ts: one
    // builder of a trigger's facts for webhook deliveries and manual starts. dispatchRef.ts: one rule for the refs a
    // dispatch may name, in the stage editor and at dispatch.
    typescript({
      outDir,
      include: [
        'src/**/*',
        'backend/src/triggers/pattern.ts',
        'backend/src/repositoryName.ts',
        'backend/src/triggers/eventFacts.ts',
        'backend/src/spel.ts',
        'backend/src/dispatchRef.ts',
      ],
      noEmitOnError: !process.env.ROLLUP_WATCH,
    }),
    replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
    externalGlobals(globals),
    terser(),
  ],
};
