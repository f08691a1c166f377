import './globals';

import type { IDeckPlugin } from '@spinnaker/core';
import * as spinnakerCore from '@spinnaker/core';
import { registerPluginExtensions, SETTINGS } from '@spinnaker/core';
import * as uiRouterCore from '@uirouter/core';
import * as uiRouterReact from '@uirouter/react';
import * as uiRouterRx from '@uirouter/rx';
import angular from 'angular';
import * as lodash from 'lodash';
import * as propTypes from 'prop-types';
import React from 'react';
import * as reactDom from 'react-dom';
import * as rxjs from 'rxjs';

import { SandboxPage } from './SandboxPage';
import type { SandboxState } from './sandboxApi';

// As Deck's exposeSharedLibraries() does (deck packages/core/src/plugins/sharedLibraries.ts), for the libraries the
// page has; the plugin reads them as spinnaker.plugins.sharedLibraries.<name>.
const sharedLibraries = {
  _spinnaker_core: spinnakerCore,
  _uirouter_core: uiRouterCore,
  _uirouter_react: uiRouterReact,
  _uirouter_rx: uiRouterRx,
  lodash,
  prop_types: propTypes,
  react: React,
  react_dom: reactDom,
  rxjs,
  rxjs_Observable: { Observable: rxjs.Observable },
};

async function main(): Promise<void> {
  // Gate is this origin: the sandbox serves /proxies/github/** as Gate's proxy to the backend does.
  SETTINGS.gateUrl = window.location.origin;
  Object.assign(window, { spinnaker: { plugins: { sharedLibraries } } });
  // REST() is AngularJS $http; Deck's Triggers page reads the override registry through ReactInjector.
  angular.bootstrap(document.createElement('div'), [
    'bcherny/ngimport',
    'spinnaker.core.react',
    'spinnaker.core.override.registry',
  ]);
  const bundleUrl = '/plugin/index.js';
  const { plugin } = (await import(bundleUrl)) as { plugin: IDeckPlugin };
  await registerPluginExtensions(plugin);
  const state = (await (await fetch('/sandbox/state')).json()) as SandboxState;
  reactDom.render(<SandboxPage state={state} />, document.getElementById('root'));
}

main().catch((error: unknown) => {
  const root = document.getElementById('root');
  if (root) root.textContent = `The sandbox page could not start: ${String(error)}`;
  throw error;
});
