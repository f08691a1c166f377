import * as spinnakerCore from '@spinnaker/core';
import { Registry, registerPluginExtensions } from '@spinnaker/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as uiRouterCore from '@uirouter/core';
import * as uiRouterReact from '@uirouter/react';
import * as uiRouterRx from '@uirouter/rx';
import * as lodash from 'lodash';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as propTypes from 'prop-types';
import * as react from 'react';
import * as reactDom from 'react-dom';
import * as rxjs from 'rxjs';

import { bootstrapAngular } from '../angular';
import { useMswServer } from '../msw/server';

const bundlePath = resolve(fileURLToPath(import.meta.url), '../../../build/dist/index.js');

// As Deck's exposeSharedLibraries() does (deck packages/core/src/plugins/sharedLibraries.ts), for the libraries
// @spinnaker/core itself imports.
const sharedLibraries = {
  _spinnaker_core: spinnakerCore,
  _uirouter_core: uiRouterCore,
  _uirouter_react: uiRouterReact,
  _uirouter_rx: uiRouterRx,
  lodash,
  prop_types: propTypes,
  react,
  react_dom: reactDom,
  rxjs,
  rxjs_Observable: { Observable: rxjs.Observable },
};

const stage = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow' };

useMswServer();
beforeAll(() => bootstrapAngular());

function readBundle(): string {
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run npm run build first`);
  return readFileSync(bundlePath, 'utf8');
}

describe('build/dist/index.js', () => {
  it('loads like Deck loads it and registers the githubWorkflow stage and both trigger types', async () => {
    readBundle();
    Object.assign(window, { spinnaker: { plugins: { sharedLibraries } } });
    const module = await import(/* @vite-ignore */ pathToFileURL(bundlePath).href);

    await registerPluginExtensions(module.plugin);

    expect(Registry.pipeline.getStageTypes().map((type) => type.key)).toContain('githubWorkflow');
    // Deck's stage summary offers Restart, and its editor the timeout override, only with these.
    expect(Registry.pipeline.getStageConfig(stage as never)).toMatchObject({
      restartable: true,
      supportsCustomTimeout: true,
    });
    // registerPluginExtensions calls the plugin's initialize, which registers the trigger types.
    expect(Registry.pipeline.getTriggerTypes().map((type) => type.key)).toEqual(
      expect.arrayContaining(['githubWorkflowRun', 'githubDeployment']),
    );
    // A second copy of React in the bundle would fail here with an invalid hook call.
    const StageConfig = Registry.pipeline.getStageConfig(stage).component!;
    const pipeline = { id: 'p1', name: 'Release', application: 'deployer', stages: [stage], triggers: [] };
    const noop = () => {};
    render(
      react.createElement(StageConfig, {
        application: {},
        pipeline,
        stage,
        updateStage: noop,
        stageFieldUpdated: noop,
      }),
    );
    // The bundled react-query reads the backend through Deck's REST helper.
    await userEvent.click(await screen.findByLabelText('Repository'));
    expect(await screen.findByText('octo-org/app', { selector: '.Select-option' })).toBeInTheDocument();
  });

  it('reads the shared libraries from Deck and bundles react-query', () => {
    const code = readBundle();
    const used = new Set(code.match(/spinnaker\.plugins\.sharedLibraries\.\w+/g));

    expect([...used].sort()).toEqual([
      'spinnaker.plugins.sharedLibraries._spinnaker_core',
      'spinnaker.plugins.sharedLibraries.react',
      'spinnaker.plugins.sharedLibraries.react_dom',
    ]);
    expect(code).not.toMatch(/\bimport\s*[\w*{(]|\bfrom\s*["']/);
    for (const marker of [
      '__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED', // react and react-dom
      'react.production.min',
      'ReactCurrentOwner',
      '__lodash_hash_undefined__', // lodash
      'netflix.spinnaker', // @spinnaker/core's angular modules
    ]) {
      expect(code).not.toContain(marker);
    }
    expect(code).toContain('ReactQueryClientContext');
  });
});
